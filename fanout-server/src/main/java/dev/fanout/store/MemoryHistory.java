package dev.fanout.store;

import dev.fanout.hub.HistoryStore;
import dev.fanout.hub.Message;
import dev.fanout.hub.Origin;
import dev.fanout.hub.Position;
import dev.fanout.hub.PublishRefusedException;
import dev.fanout.hub.TopicState;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * History in memory: each topic keeps its newest messages, up to {@link HistoryLimits#maxMessages()} and
 * {@link HistoryLimits#maxBytes()}, and all topics together up to {@link HistoryLimits#totalBytes()}. Past the
 * total, the oldest messages of the topics are let go in turn, one topic after another, so that a busy topic
 * cannot keep every other topic's history at nothing, and the trims are counted and logged.
 *
 * <p>Nothing survives a restart: every topic's history starts in a new epoch, chosen at random, so that clients
 * resuming across the restart are told their stream was reset. Results are complete when returned. Thread-safe.
 */
public final class MemoryHistory implements HistoryStore {

    private static final Logger log = LoggerFactory.getLogger(MemoryHistory.class);

    private final HistoryLimits limits;
    private final LongSupplier epochs;
    private final ConcurrentHashMap<String, TopicRing> rings = new ConcurrentHashMap<>();
    private final AtomicLong totalBytes = new AtomicLong();
    private final LongAdder trimmedForTotal = new LongAdder();
    private final AtomicBoolean overTotal = new AtomicBoolean();
    /** Where the trimming for the total goes on from; any thread, under the lock of this field. */
    private Iterator<TopicRing> trimCursor;

    /** A store with these limits and random epochs. */
    public MemoryHistory(HistoryLimits limits) {
        this(limits, () -> ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE));
    }

    /** A store with these limits whose epochs come from {@code epochs} (positive numbers). */
    public MemoryHistory(HistoryLimits limits, LongSupplier epochs) {
        this.limits = limits;
        this.epochs = epochs;
    }

    @Override
    public CompletableFuture<List<Message>> append(String topic, List<ByteBuf> payloads, Origin origin,
                                                   long publishedAtMillis) {
        TopicRing ring = ring(topic);
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
        totalBytes.addAndGet(added);
        trimToTotal();
        return CompletableFuture.completedFuture(stored);
    }

    @Override
    public CompletableFuture<Message> appendAt(String topic, Position position, ByteBuf payload, Origin origin,
                                               long publishedAtMillis) {
        TopicRing ring = ring(topic);
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
        totalBytes.addAndGet(change);
        trimToTotal();
        return CompletableFuture.completedFuture(message);
    }

    /**
     * Keeps {@code message} (a reference of its own) in its ring within the per-topic bounds, or only numbers it
     * when history is off; returns the change in bytes held. Under the ring's lock.
     */
    private long keep(TopicRing ring, Message message) {
        if (limits.maxMessages() == 0) {
            ring.skipOne(message.publishedAtMillis());
            return 0;
        }
        long change = 0;
        while (ring.count() >= limits.maxMessages()) {
            change -= ring.trimOldest();
        }
        change += ring.add(message.retain(), limits.maxMessages());
        while (ring.bytes() > limits.maxBytes()) {
            change -= ring.trimOldest();
        }
        return change;
    }

    /** Lets go of the oldest messages of the topics in turn while all of them hold more than the total bound. */
    private void trimToTotal() {
        if (totalBytes.get() <= limits.totalBytes()) {
            if (overTotal.get() && overTotal.compareAndSet(true, false)) {
                log.info("history back under its total bound ({} bytes, --history-total-bytes)", limits.totalBytes());
            }
            return;
        }
        if (overTotal.compareAndSet(false, true)) {
            log.warn("history holds more than its total bound ({} bytes, --history-total-bytes): the oldest messages "
                    + "of the topics are let go in turn; raise the bound or lower --history / --history-bytes",
                    limits.totalBytes());
        }
        synchronized (this) {
            int fruitless = 0;
            while (totalBytes.get() > limits.totalBytes() && fruitless <= rings.size()) {
                if (trimCursor == null || !trimCursor.hasNext()) {
                    trimCursor = rings.values().iterator();
                    if (!trimCursor.hasNext()) {
                        return;
                    }
                }
                TopicRing victim = trimCursor.next();
                long freed;
                synchronized (victim) {
                    freed = victim.trimOldest();
                }
                if (freed == 0) {
                    fruitless++;
                } else {
                    fruitless = 0;
                    totalBytes.addAndGet(-freed);
                    trimmedForTotal.increment();
                }
            }
        }
    }

    @Override
    public CompletableFuture<List<Message>> read(String topic, long from, int maxMessages, long maxBytes) {
        TopicRing ring = ring(topic);
        synchronized (ring) {
            return CompletableFuture.completedFuture(ring.read(from, maxMessages, maxBytes));
        }
    }

    @Override
    public CompletableFuture<Long> firstSince(String topic, long millis) {
        TopicRing ring = ring(topic);
        synchronized (ring) {
            return CompletableFuture.completedFuture(ring.firstSince(millis));
        }
    }

    @Override
    public CompletableFuture<TopicState> state(String topic) {
        TopicRing ring = ring(topic);
        synchronized (ring) {
            return CompletableFuture.completedFuture(ring.state());
        }
    }

    @Override
    public void forget(String topic) {
        TopicRing ring = rings.remove(topic);
        if (ring != null) {
            long freed;
            synchronized (ring) {
                freed = ring.clear();
            }
            totalBytes.addAndGet(-freed);
        }
    }

    /** Bytes held now, all topics, each message counted with its overhead. */
    public long bytes() {
        return totalBytes.get();
    }

    /** Messages let go since start because all topics together held more than the total bound. */
    public long trimmedForTotal() {
        return trimmedForTotal.sum();
    }

    /** The bounds. */
    public HistoryLimits limits() {
        return limits;
    }

    @Override
    public void close() {
        for (String topic : List.copyOf(rings.keySet())) {
            forget(topic);
        }
    }

    private TopicRing ring(String topic) {
        TopicRing ring = rings.get(topic);
        if (ring == null) {
            ring = rings.computeIfAbsent(topic,
                    name -> new TopicRing(name.getBytes(StandardCharsets.UTF_8), epochs.getAsLong()));
        }
        return ring;
    }
}
