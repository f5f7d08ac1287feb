package dev.fanout.client;

import dev.fanout.protocol.control.ControlProtocolException;
import dev.fanout.protocol.control.TopicNames;
import io.netty.channel.Channel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * The public operations, as checks on the caller's thread and tasks on the client's I/O thread.
 */
final class ClientTasks {

    private ClientTasks() {
    }

    /** Runs {@code task} on the I/O thread (at once if already on it); false if the client has shut down. */
    static boolean onLoop(ClientCore core, Runnable task) {
        if (core.loop.inEventLoop()) {
            task.run();
            return true;
        }
        try {
            core.loop.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /**
     * Queues a publish of a copy of {@code payload}; returns its future, or null for fire-and-forget. Waits
     * for room among the pending publishes.
     */
    static CompletableFuture<Position> publish(ClientCore core, String topic, byte[] payload, boolean acked) {
        checkOpen(core);
        try {
            TopicNames.checkTopic(topic);
        } catch (ControlProtocolException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        int limit = core.serverMaxPayload;
        if (payload.length > limit) {
            throw new IllegalArgumentException("payload (" + payload.length + " bytes) is larger than the "
                    + "server's limit of " + limit + " bytes");
        }
        core.budget.take(payload.length);
        CompletableFuture<Position> future = acked ? new CompletableFuture<>() : null;
        Outbox.Pending pending = new Outbox.Pending(topic, payload, future);
        boolean queued = onLoop(core, () -> {
            if (core.closed) {
                core.budget.give(payload.length);
                if (future != null) {
                    future.completeExceptionally(new FanoutException("the client is closed"));
                }
                return;
            }
            core.outbox.add(pending);
            Channel ch = core.readyChannel();
            if (ch != null && core.outbox.drain(ch, false)) {
                ch.flush();
            }
        });
        if (!queued) {
            core.budget.give(payload.length);
            throw new FanoutException("the client is closed");
        }
        return future;
    }

    /** Starts a subscription made by the caller. */
    static <T extends SubscriptionCore> T subscribe(ClientCore core, T subscription) {
        checkOpen(core);
        boolean queued = onLoop(core, () -> {
            if (core.closed) {
                subscription.drop();
                return;
            }
            Channel ch = core.readyChannel();
            core.subscriptions.add(subscription, ch == null ? null : core::send);
            if (ch != null) {
                ch.flush();
            }
        });
        if (!queued) {
            subscription.drop();
            throw new FanoutException("the client is closed");
        }
        return subscription;
    }

    /** Checks a filter and options before a subscription is made. */
    static void checkFilter(String filter, SubscribeOptions options) {
        try {
            TopicNames.checkFilter(filter);
        } catch (ControlProtocolException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        if (!options.positions().isEmpty() && !TopicNames.isPattern(filter)) {
            throw new IllegalArgumentException("positions are only for a pattern subscription, not '" + filter + "'");
        }
        for (String topic : options.positions().keySet()) {
            if (!TopicNames.isValidTopic(topic) || !TopicNames.matches(filter, topic)) {
                throw new IllegalArgumentException("position topic '" + topic + "' is not a topic the pattern '"
                        + filter + "' matches");
            }
        }
    }

    private static void checkOpen(ClientCore core) {
        if (core.closed) {
            throw new FanoutException("the client is closed");
        }
    }
}
