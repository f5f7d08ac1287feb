package dev.fanout.hub;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A named stream of messages. Each message gets the topic's next sequence number (1, 2, 3, ...), and is
 * handed to each event loop that has subscribers exactly once, in sequence order.
 *
 * <p>Thread-safe: publishing takes a short lock that orders sequence numbers; delivery happens on the
 * subscribers' own event loops.
 */
public final class Topic {

    private final String name;
    private final ByteBufAllocator alloc;
    private final Clock clock;
    private final PublishBacklog backlog;
    private final HubStats stats;
    private final Object lock = new Object();
    private final Set<Subscriber> members = ConcurrentHashMap.newKeySet();
    /** Guarded by lock. */
    private long lastSequence;
    /** Guarded by lock; true once the hub dropped this topic for having no subscribers. */
    private boolean removed;
    /** Copy-on-write under lock, read without it. */
    private volatile LoopFanout[] fanouts = new LoopFanout[0];

    Topic(String name, ByteBufAllocator alloc, Clock clock, PublishBacklog backlog, HubStats stats) {
        this.name = name;
        this.alloc = alloc;
        this.clock = clock;
        this.backlog = backlog;
        this.stats = stats;
    }

    /** The topic's name. */
    public String name() {
        return name;
    }

    /** The sequence number of the last message published, 0 before the first. */
    public long lastSequence() {
        synchronized (lock) {
            return lastSequence;
        }
    }

    /** The current subscribers, a snapshot in no particular order. */
    public List<Subscriber> subscribers() {
        return List.copyOf(members);
    }

    /** How many subscribers the topic has now. */
    public int subscriberCount() {
        return members.size();
    }

    /**
     * Publishes {@code payload} (ownership passes to the hub) and returns its sequence number. Never blocks
     * on subscribers.
     */
    long publish(ByteBuf payload, Origin origin) {
        return publishAll(List.of(payload), origin);
    }

    /**
     * Publishes several payloads from one origin, in order, under one acquisition of the lock and with one
     * hand-off per event loop: the path of a publisher that sent a burst. Ownership of the payloads passes to
     * the hub. Returns the last message's sequence number.
     */
    long publishAll(List<ByteBuf> payloads, Origin origin) {
        synchronized (lock) {
            LoopFanout[] targets = fanouts;
            List<Message> messages = new ArrayList<>(payloads.size());
            long now = clock.millis();
            for (ByteBuf payload : payloads) {
                Message message = new Message(name, ++lastSequence, payload, now, origin, alloc);
                stats.published(message.size());
                if (targets.length == 0) {
                    message.release();
                } else {
                    if (targets.length > 1) {
                        message.retain(targets.length - 1);
                    }
                    messages.add(message);
                }
            }
            if (!messages.isEmpty()) {
                for (LoopFanout target : targets) {
                    target.enqueueAll(messages);
                }
            }
            return lastSequence;
        }
    }

    /**
     * True while messages published here still wait to be handed to the subscribers on {@code loop}: those
     * subscribers' queues do not yet hold everything published before now. Call on {@code loop}.
     */
    public boolean hasPendingOn(EventLoop loop) {
        for (LoopFanout fanout : fanouts) {
            if (fanout.loop() == loop) {
                return fanout.hasPending();
            }
        }
        return false;
    }

    /** Adds a subscriber; false if this topic was dropped meanwhile and the hub must make a new one. */
    boolean subscribe(Subscriber subscriber) {
        LoopFanout fanout;
        synchronized (lock) {
            if (removed) {
                return false;
            }
            if (!members.add(subscriber)) {
                return true;
            }
            fanout = fanoutFor(subscriber.eventLoop());
        }
        onLoop(fanout.loop(), () -> fanout.add(subscriber));
        return true;
    }

    /** Removes a subscriber; returns true when it was the last one and {@code dropWhenEmpty} dropped the topic. */
    boolean unsubscribe(Subscriber subscriber, boolean dropWhenEmpty) {
        LoopFanout fanout = null;
        boolean dropped = false;
        synchronized (lock) {
            if (members.remove(subscriber)) {
                fanout = fanoutFor(subscriber.eventLoop());
            }
            if (dropWhenEmpty && members.isEmpty()) {
                removed = true;
                dropped = true;
            }
        }
        if (fanout != null) {
            LoopFanout from = fanout;
            onLoop(from.loop(), () -> from.remove(subscriber));
        }
        return dropped;
    }

    /** Guarded by lock. */
    private LoopFanout fanoutFor(EventLoop loop) {
        for (LoopFanout fanout : fanouts) {
            if (fanout.loop() == loop) {
                return fanout;
            }
        }
        LoopFanout created = new LoopFanout(loop, backlog, stats, alloc);
        LoopFanout[] grown = Arrays.copyOf(fanouts, fanouts.length + 1);
        grown[grown.length - 1] = created;
        fanouts = grown;
        return created;
    }

    private static void onLoop(EventLoop loop, Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }

    @Override
    public String toString() {
        return "Topic[" + name + ", " + members.size() + " subscribers]";
    }
}
