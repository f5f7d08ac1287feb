package dev.fanout.client;

import dev.fanout.protocol.control.ControlFrame;
import dev.fanout.protocol.control.ErrorCode;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A client's subscriptions and the ids the server knows them by on the current connection. Routes MSG,
 * SUBSCRIBED, GAP, RESET and subscription ERRORs to them, and subscribes again under a new id when a
 * subscription must be filled in or the connection was made again; frames of an id no longer in use are
 * ignored. Confined to the client's I/O thread.
 */
final class Subscriptions {

    private final Events events;
    private final List<SubscriptionCore> all = new ArrayList<>();
    private final Map<Integer, SubscriptionCore> byId = new HashMap<>();
    private int lastId;

    Subscriptions(Events events) {
        this.events = events;
    }

    /** Adds a new subscription; subscribes it at once through {@code send} if connected (non-null). */
    void add(SubscriptionCore subscription, Consumer<ControlFrame> send) {
        all.add(subscription);
        if (send != null) {
            subscribe(subscription, send);
        }
    }

    /** Forgets a subscription the application closed; tells the server through {@code send} if connected. */
    void remove(SubscriptionCore subscription, Consumer<ControlFrame> send) {
        all.remove(subscription);
        retire(subscription, send);
    }

    /** A connection reached WELCOME: every subscription is made on it, resuming where it stands. */
    void connected(Consumer<ControlFrame> send) {
        for (SubscriptionCore subscription : all) {
            subscription.announceResubscribed = subscription.everConfirmed;
            subscribe(subscription, send);
        }
    }

    /** The connection is gone, and with it every id. */
    void lost() {
        byId.clear();
        for (SubscriptionCore subscription : all) {
            subscription.wireId = 0;
            subscription.confirmed = false;
        }
    }

    /** True if some subscription's buffer is full: the connection should not be read. */
    boolean anyFull() {
        for (SubscriptionCore subscription : all) {
            if (subscription.inbox.isFull()) {
                return true;
            }
        }
        return false;
    }

    /** Ends every subscription: with {@code failure}, or (null) dropping what they hold. */
    void endAll(FanoutException failure) {
        for (SubscriptionCore subscription : all) {
            if (failure == null) {
                subscription.drop();
            } else {
                subscription.end(failure);
            }
        }
        all.clear();
        byId.clear();
    }

    /** A MSG: delivered, dropped as a duplicate, or the start of a refill. Returns true if a buffer is full. */
    boolean message(ControlFrame.Msg msg, Consumer<ControlFrame> send) {
        SubscriptionCore subscription = byId.get(msg.subscriptionId());
        if (subscription == null) {
            return false;
        }
        return switch (subscription.cursors.message(msg.topic(), msg.epoch(), msg.sequence())) {
            case DELIVER -> subscription.accept(msg);
            case DUPLICATE -> false;
            case HOLE -> {
                ClientLog.LOG.log(Level.DEBUG, "{0}: {1} sequence {2} leaves a hole; subscribing again to fill it",
                        subscription, msg.topic(), msg.sequence());
                refill(subscription, send);
                yield false;
            }
        };
    }

    void subscribed(ControlFrame.Subscribed frame) {
        SubscriptionCore subscription = byId.get(frame.subscriptionId());
        if (subscription == null) {
            return;
        }
        subscription.confirmed = true;
        subscription.unavailableInARow = 0;
        subscription.cursors.subscribed(frame);
        if (!subscription.everConfirmed) {
            subscription.everConfirmed = true;
            events.run(() -> subscription.subscribed.complete(null));
        } else if (subscription.announceResubscribed) {
            subscription.announceResubscribed = false;
            events.post(l -> l.onResubscribed(subscription));
        }
    }

    void gap(ControlFrame.Gap gap, Consumer<ControlFrame> send) {
        SubscriptionCore subscription = byId.get(gap.subscriptionId());
        if (subscription == null) {
            return;
        }
        Object verdict = subscription.cursors.gap(gap);
        if (verdict == TopicCursors.REFILL) {
            refill(subscription, send);
        } else if (verdict instanceof GapEvent event) {
            subscription.report(new StreamEvent.Gap(event));
        }
    }

    void reset(ControlFrame.Reset reset) {
        SubscriptionCore subscription = byId.get(reset.subscriptionId());
        if (subscription != null) {
            subscription.report(new StreamEvent.Reset(subscription.cursors.reset(reset)));
        }
    }

    /**
     * An ERROR about subscription {@code id}: one the server never confirmed is refused and ends; for a
     * confirmed one (a pattern that could not join one more topic, say) it is only reported. Returns what to
     * report, or null if the id is no longer in use: the answer to an UNSUB of an id the server had already
     * let go, or about a subscription filled in since.
     */
    FanoutException refused(long id, ErrorCode code, String text) {
        SubscriptionCore subscription = byId.get((int) id);
        if (subscription == null) {
            return null;
        }
        FanoutException failure = FanoutException.refused("subscription to '" + subscription.filter + "'", code,
                text);
        if (!subscription.confirmed) {
            byId.remove(subscription.wireId);
            all.remove(subscription);
            subscription.wireId = 0;
            subscription.end(failure);
        }
        return failure;
    }

    /**
     * The server could not serve subscription {@code id} for now (its history store was unavailable) and ended it:
     * it is made again, from the last message accepted on, after a wait that grows as the reconnect backoff does
     * with each refusal in a row. False if the id is not in use.
     */
    boolean unavailable(long id, ClientCore core) {
        SubscriptionCore subscription = byId.get((int) id);
        if (subscription == null) {
            return false;
        }
        // The server ended it: no UNSUB.
        retire(subscription, null);
        int attempt = ++subscription.unavailableInARow;
        core.loop.schedule(() -> {
            if (all.contains(subscription) && subscription.wireId == 0 && core.readyChannel() != null) {
                subscribe(subscription, core::send);
                core.readyChannel().flush();
            }
        }, core.backoff().delay(attempt).toNanos(), TimeUnit.NANOSECONDS);
        return true;
    }

    /** UNSUB the current id and SUB under a new one, from the last message accepted on. */
    private void refill(SubscriptionCore subscription, Consumer<ControlFrame> send) {
        subscription.refills.incrementAndGet();
        retire(subscription, send);
        subscribe(subscription, send);
    }

    private void retire(SubscriptionCore subscription, Consumer<ControlFrame> send) {
        if (subscription.wireId != 0) {
            byId.remove(subscription.wireId);
            if (send != null) {
                send.accept(new ControlFrame.Unsub(subscription.wireId));
            }
            subscription.wireId = 0;
            subscription.confirmed = false;
        }
    }

    private void subscribe(SubscriptionCore subscription, Consumer<ControlFrame> send) {
        int id = nextId();
        subscription.wireId = id;
        subscription.confirmed = false;
        byId.put(id, subscription);
        send.accept(subscription.cursors.sub(id));
    }

    /** The next id not in use: 1 to 2^31 - 1, then round again. */
    private int nextId() {
        do {
            lastId = lastId == Integer.MAX_VALUE ? 1 : lastId + 1;
        } while (byId.containsKey(lastId));
        return lastId;
    }
}
