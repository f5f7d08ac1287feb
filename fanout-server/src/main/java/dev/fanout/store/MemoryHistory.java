package dev.fanout.store;

import dev.fanout.hub.Message;
import dev.fanout.hub.Origin;
import dev.fanout.hub.Position;
import dev.fanout.hub.PublishRefusedException;
import dev.fanout.hub.TopicState;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * History in memory: each topic keeps its newest messages, up to {@link HistoryLimits#maxMessages()} and
 * {@link HistoryLimits#maxBytes()} and for up to {@link HistoryLimits#maxAge()}, and all topics together up to
 * {@link HistoryLimits#totalBytes()} (see {@link TotalBound}).
 *
 * <p>Nothing survives a restart: every topic's history starts in a new epoch, chosen at random, so that clients
 * resuming across the restart are told their stream was reset. Results are complete when returned. Thread-safe.
 */
public final class MemoryHistory implements LocalHistory {

    /** What the rings keep: the messages themselves, one reference each. */
    private static final Kept<Message> MESSAGES = new Kept<>() {
        @Override
        public long sequence(Message entry) {
            return entry.sequence();
        }

        @Override
        public long publishedAtMillis(Message entry) {
            return entry.publishedAtMillis();
        }

        @Override
        public long size(Message entry) {
            return entry.memorySize();
        }

        @Override
        public void release(Message entry) {
            entry.release();
        }
    };

    private final HistoryLimits limits;
    private final LongSupplier epochs;
    private final ConcurrentHashMap<String, MessageRing> rings = new ConcurrentHashMap<>();
    private final TotalBound total;

    /** A store with these limits and random epochs. */
    public MemoryHistory(HistoryLimits limits) {
        this(limits, () -> ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE));
    }

    /** A store with these limits whose epochs come from {@code epochs} (positive numbers). */
    public MemoryHistory(HistoryLimits limits, LongSupplier epochs) {
        this.limits = limits;
        this.epochs = epochs;
        this.total = new TotalBound(limits.totalBytes(), () -> rings.values().iterator(), rings::size);
    }

    @Override
    public CompletableFuture<List<Message>> append(String topic, List<ByteBuf> payloads, Origin origin,
                                                   long publishedAtMillis) {
        MessageRing ring = ring(topic);
        List<Message> stored = new ArrayList<>(payloads.size());
        long added = 0;
        synchronized (ring) {
            for (ByteBuf payload : payloads) {
                Message message = Message.of(topic, ring.topicUtf8, new Position(ring.epoch(), ring.next()), payload,
                        publishedAtMillis, origin);
                added += keep(ring, message);
                stored.add(message);
            }
        }
        total.add(added);
        total.enforce();
        return CompletableFuture.completedFuture(stored);
    }

    @Override
    public CompletableFuture<Message> appendAt(String topic, Position position, ByteBuf payload, Origin origin,
                                               long publishedAtMillis) {
        MessageRing ring = ring(topic);
        long change;
        Message message;
        synchronized (ring) {
            if (position.epoch() != ring.epoch()) {
                change = -ring.restart(position.epoch(), position.sequence());
            } else if (position.sequence() <= ring.last()) {
                payload.release();
                return CompletableFuture.failedFuture(new PublishRefusedException(
                        PublishRefusedException.Reason.OUT_OF_ORDER, "sequence " + position.sequence()
                        + " of topic '" + topic + "' is not after its last, " + ring.last()));
            } else if (position.sequence() > ring.next()) {
                change = -ring.skipTo(position.sequence(), publishedAtMillis);
            } else {
                change = 0;
            }
            message = Message.of(topic, ring.topicUtf8, position, payload, publishedAtMillis, origin);
            change += keep(ring, message);
        }
        total.add(change);
        total.enforce();
        return CompletableFuture.completedFuture(message);
    }

    /**
     * Keeps {@code message} (a reference of its own) in its ring within the per-topic bounds, or only numbers it
     * when history is off; returns the change in bytes held. Under the ring's lock.
     */
    private long keep(MessageRing ring, Message message) {
        return ring.keep(message.retain(), limits);
    }

    @Override
    public CompletableFuture<List<Message>> read(String topic, long from, int maxMessages, long maxBytes) {
        MessageRing ring = ring(topic);
        synchronized (ring) {
            List<Message> held = ring.read(from, maxMessages, maxBytes);
            held.forEach(Message::retain);
            return CompletableFuture.completedFuture(held);
        }
    }

    @Override
    public CompletableFuture<Long> firstSince(String topic, long millis) {
        MessageRing ring = ring(topic);
        synchronized (ring) {
            return CompletableFuture.completedFuture(ring.firstSince(millis));
        }
    }

    @Override
    public CompletableFuture<TopicState> state(String topic) {
        MessageRing ring = ring(topic);
        synchronized (ring) {
            return CompletableFuture.completedFuture(ring.state());
        }
    }

    @Override
    public void forget(String topic) {
        MessageRing ring = rings.remove(topic);
        if (ring != null) {
            long freed;
            synchronized (ring) {
                freed = ring.clear();
            }
            total.add(-freed);
        }
    }

    @Override
    public void expire(long nowMillis) {
        if (limits.expires()) {
            long before = nowMillis - limits.maxAge().toMillis();
            for (MessageRing ring : rings.values()) {
                long freed;
                synchronized (ring) {
                    freed = ring.trimOlderThan(before);
                }
                total.add(-freed);
            }
        }
    }

    /** Bytes held now, all topics, each message counted with its overhead. */
    @Override
    public long bytes() {
        return total.bytes();
    }

    @Override
    public long bytes(String topic) {
        MessageRing ring = rings.get(topic);
        if (ring == null) {
            return 0;
        }
        synchronized (ring) {
            return ring.bytes();
        }
    }

    @Override
    public long trimmedForTotal() {
        return total.trimmed();
    }

    @Override
    public HistoryLimits limits() {
        return limits;
    }

    @Override
    public String describe() {
        return "in memory";
    }

    @Override
    public void close() {
        for (String topic : List.copyOf(rings.keySet())) {
            forget(topic);
        }
    }

    private MessageRing ring(String topic) {
        MessageRing ring = rings.get(topic);
        if (ring == null) {
            ring = rings.computeIfAbsent(topic,
                    name -> new MessageRing(name.getBytes(StandardCharsets.UTF_8), epochs.getAsLong()));
        }
        return ring;
    }

    /** A topic's ring of messages, with its name in UTF-8 that all of them share. */
    private static final class MessageRing extends TopicRing<Message> {
        final byte[] topicUtf8;

        MessageRing(byte[] topicUtf8, long epoch) {
            super(MESSAGES, epoch);
            this.topicUtf8 = topicUtf8;
        }
    }
}
