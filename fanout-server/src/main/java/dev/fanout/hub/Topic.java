package dev.fanout.hub;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * A named stream of messages. Each message gets the topic's next sequence number from its {@link HistoryStore},
 * and is handed to each event loop that has subscribers exactly once, in sequence order.
 *
 * <p>A topic lives while it has subscribers or history; the hub forgets one that has neither when it needs the
 * place. Thread-safe: publishing and subscribing take a short lock, so that a new subscriber's first live
 * message is exactly the one after the last that {@link #subscribe} reported; delivery happens on the
 * subscribers' own event loops.
 */
public final class Topic {

    private final String name;
    private final HistoryStore history;
    private final ByteBufAllocator alloc;
    private final Clock clock;
    private final PublishBacklog backlog;
    private final HubStats stats;
    private final TopicCounters counters = new TopicCounters();
    /** Whether a topic of this name is fed by a relay: asked each time, as relays start after topics exist. */
    private final Predicate<String> mirrored;
    /** Whether a relay has published here since the topic was made: its numbering is its upstream's now. */
    private volatile boolean relayed;
    private final Object lock = new Object();
    private final Set<Subscriber> members = ConcurrentHashMap.newKeySet();
    /** Guarded by lock: the position of the last message fanned out, null before the first. */
    private Position last;
    /** Guarded by lock; true once the hub forgot this topic. */
    private boolean removed;
    /** When the last message was published, for choosing which idle topic to forget first. */
    private volatile long lastPublishedAtMillis;
    /** Copy-on-write under lock, read without it. */
    private volatile LoopFanout[] fanouts = new LoopFanout[0];

    Topic(String name, HistoryStore history, ByteBufAllocator alloc, Clock clock,
          PublishBacklog backlog, HubStats stats, Predicate<String> mirrored) {
        this.name = name;
        this.mirrored = mirrored;
        this.history = history;
        this.alloc = alloc;
        this.clock = clock;
        this.backlog = backlog;
        this.stats = stats;
        this.lastPublishedAtMillis = clock.millis();
    }

    /** Takes the numbering and publish time of a topic a durable history brought back; before any publish. */
    void restore(TopicState state, long lastPublishedAt) {
        synchronized (lock) {
            if (state.last() > 0) {
                last = new Position(state.epoch(), state.last());
            }
            lastPublishedAtMillis = Math.max(lastPublishedAtMillis, lastPublishedAt);
        }
    }

    /** The topic's name. */
    public String name() {
        return name;
    }

    /** What was published here and handed out since the topic was made on this server. */
    public TopicCounters counters() {
        return counters;
    }

    /**
     * The position of the last message this server published here since the topic was last made, or null;
     * {@link #state()} tells what the history holds.
     */
    public Position last() {
        synchronized (lock) {
            return last;
        }
    }

    /**
     * Whether this topic mirrors a relay's upstream, whose epoch and sequence numbers it keeps: a client may ask
     * for positions it has not reached yet, which the relay will bring.
     */
    public boolean isMirrored() {
        return mirrored.test(name);
    }

    /**
     * Whether this topic mirrors a relay's upstream and has not heard from it since it was made: after a restart,
     * its history is still being refilled, and a client resuming from the upstream's epoch should wait for it
     * rather than be told RESET.
     */
    public boolean awaitsMirror() {
        return !relayed && isMirrored();
    }

    /** The sequence number of {@link #last()}, 0 before it. */
    public long lastSequence() {
        Position position = last();
        return position == null ? 0 : position.sequence();
    }

    /** What its history holds now. */
    public CompletableFuture<TopicState> state() {
        return history.state(name);
    }

    /**
     * Reads up to {@code maxMessages} held messages (about {@code maxBytes}) from sequence {@code from} on; the
     * receiver releases them. See {@link HistoryStore#read}.
     */
    public CompletableFuture<List<Message>> read(long from, int maxMessages, long maxBytes) {
        return history.read(name, from, maxMessages, maxBytes);
    }

    /** The first sequence held that was published at or after {@code millis}; see {@link HistoryStore#firstSince}. */
    public CompletableFuture<Long> firstSince(long millis) {
        return history.firstSince(name, millis);
    }

    /** The current subscribers, a snapshot in no particular order. */
    public List<Subscriber> subscribers() {
        return List.copyOf(members);
    }

    /** How many subscribers the topic has now. */
    public int subscriberCount() {
        return members.size();
    }

    long lastPublishedAtMillis() {
        return lastPublishedAtMillis;
    }

    /**
     * Appends payloads from one origin to the history, in order, and hands them to the subscribers with one
     * hand-off per event loop: the path of a publisher that sent a burst. Ownership of the payloads passes to
     * the topic. Completes with the last message's position; null if the hub forgot this topic meanwhile (the
     * payloads are then untouched, for the caller to publish to the topic that replaced it).
     */
    CompletableFuture<Position> publishAll(List<ByteBuf> payloads, Origin origin) {
        synchronized (lock) {
            if (removed) {
                return null;
            }
            long now = publishTime();
            long bytes = PublishBacklog.bytesOf(payloads);
            return backlog.whilePending(history.append(name, payloads, origin, now), bytes).thenApply(this::fanOut);
        }
    }

    /** Appends one payload at a position chosen upstream (a relay's); see {@link HistoryStore#appendAt}. */
    CompletableFuture<Position> publishAt(Position position, ByteBuf payload, Origin origin) {
        synchronized (lock) {
            if (removed) {
                return null;
            }
            relayed = true;
            long now = publishTime();
            long bytes = PublishBacklog.bytesOf(List.of(payload));
            return backlog.whilePending(history.appendAt(name, position, payload, origin, now), bytes)
                    .thenApply(m -> fanOut(List.of(m)));
        }
    }

    /**
     * Hands messages that a shared store delivered ({@link HistoryStore#follow}) to the subscribers, as if
     * published here: in a cluster every server, the publishing one included, delivers this way. One reference
     * each passes to the topic.
     */
    void deliver(List<Message> messages) {
        synchronized (lock) {
            if (removed) {
                messages.forEach(Message::release);
                return;
            }
            lastPublishedAtMillis = Math.max(lastPublishedAtMillis, clock.millis());
            fanOut(messages);
        }
    }

    /** What payloads count in the publish backlog, as the messages they become will. */

    /**
     * The publish time of the next message, which never goes back within a topic even if the clock does, so that
     * history can look a moment up ({@link HistoryStore#firstSince}). Under the lock.
     */
    private long publishTime() {
        long now = Math.max(clock.millis(), lastPublishedAtMillis);
        lastPublishedAtMillis = now;
        return now;
    }

    /**
     * Hands stored messages (one reference each, which passes on) to every loop with subscribers, in order.
     * Under the lock, so that it is ordered with subscribing; the store completes appends in order.
     */
    private Position fanOut(List<Message> messages) {
        synchronized (lock) {
            LoopFanout[] targets = fanouts;
            for (Message message : messages) {
                stats.published(message.size());
                counters.published(message.size());
                if (targets.length == 0) {
                    message.release();
                } else if (targets.length > 1) {
                    message.retain(targets.length - 1);
                }
            }
            if (targets.length > 0) {
                for (LoopFanout target : targets) {
                    target.enqueueAll(messages);
                }
            }
            Message newest = messages.get(messages.size() - 1);
            last = newest.position();
            return last;
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

    /**
     * Adds a subscriber, which gets every message whose append completes after this call, and none before; false
     * if the hub forgot this topic meanwhile and must make a new one.
     */
    boolean subscribe(Subscriber subscriber) {
        synchronized (lock) {
            if (removed) {
                return false;
            }
            if (members.add(subscriber)) {
                fanoutFor(subscriber.eventLoop()).add(subscriber);
            }
            return true;
        }
    }

    /** Removes a subscriber; it gets nothing published after this call. */
    void unsubscribe(Subscriber subscriber) {
        synchronized (lock) {
            if (members.remove(subscriber)) {
                fanoutFor(subscriber.eventLoop()).remove(subscriber);
            }
        }
    }

    /**
     * Marks the topic forgotten if nobody subscribes to it, and with {@code onlyIfUnused} only if nothing was
     * ever published to it either; returns whether it did.
     */
    boolean removeIfIdle(boolean onlyIfUnused) {
        synchronized (lock) {
            if (!members.isEmpty() || onlyIfUnused && last != null) {
                return false;
            }
            removed = true;
            return true;
        }
    }

    /** Guarded by lock. */
    private LoopFanout fanoutFor(EventLoop loop) {
        for (LoopFanout fanout : fanouts) {
            if (fanout.loop() == loop) {
                return fanout;
            }
        }
        LoopFanout created = new LoopFanout(loop, backlog, stats, counters, alloc);
        LoopFanout[] grown = Arrays.copyOf(fanouts, fanouts.length + 1);
        grown[grown.length - 1] = created;
        fanouts = grown;
        return created;
    }

    @Override
    public String toString() {
        return "Topic[" + name + ", " + members.size() + " subscribers]";
    }
}
