package dev.fanout.store.disk;

import dev.fanout.store.HistoryLimits;
import dev.fanout.store.TotalBound;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * What the log holds, in memory: every topic by name and by id with its index, the files that make the log, and
 * the bound on all topics together. Thread-safe; each topic's index is guarded by its ring's monitor.
 */
final class LogIndex {

    final HistoryLimits limits;
    private final LongSupplier epochs;
    private final ConcurrentHashMap<String, DiskTopic> byName = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, DiskTopic> byId = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<Segment> segments = new CopyOnWriteArrayList<>();
    final TotalBound total;
    /** Guarded by this. */
    private int nextId;
    private volatile Runnable onWritten;

    LogIndex(HistoryLimits limits, LongSupplier epochs) {
        this.limits = limits;
        this.epochs = epochs;
        this.total = new TotalBound(limits.totalBytes(), () -> byName.values().stream().map(t -> t.ring).iterator(),
                byName::size);
    }

    /** A new random epoch. */
    long newEpoch() {
        return epochs.getAsLong();
    }

    /** The topic of that name, or null. */
    DiskTopic find(String name) {
        return byName.get(name);
    }

    /** The topic of that id, or null. */
    DiskTopic byId(int id) {
        return byId.get(id);
    }

    /** The topic of that name, made (in a new epoch, not yet in the log) if new. */
    DiskTopic topic(String name) {
        DiskTopic topic = byName.get(name);
        if (topic == null) {
            topic = byName.computeIfAbsent(name, n -> add(new DiskTopic(n, newId(), newEpoch())));
        }
        return topic;
    }

    /** Takes in a topic the log names, as recovery reads it: replaces any other of its id or name. */
    DiskTopic put(DiskTopic topic) {
        forget(byId.get(topic.id));
        forget(byName.get(topic.name));
        byName.put(topic.name, topic);
        return add(topic);
    }

    /** Takes a topic out as recovery reads a record that ends it. */
    void forget(DiskTopic topic) {
        if (remove(topic)) {
            released(topic);
        }
    }

    private DiskTopic add(DiskTopic topic) {
        byId.put(topic.id, topic);
        synchronized (this) {
            if (Integer.compareUnsigned(topic.id, nextId) >= 0) {
                nextId = topic.id + 1;
            }
        }
        return topic;
    }

    /**
     * Takes the topic out of the index, letting go of what it held; false if it was not in it. Its id stays
     * taken until {@link #released}: a new topic must not reuse it before the log says the old one is gone.
     */
    boolean remove(DiskTopic topic) {
        if (topic == null || !byName.remove(topic.name, topic)) {
            return false;
        }
        long freed;
        synchronized (topic.ring) {
            topic.forgotten = true;
            freed = topic.ring.clear();
        }
        total.add(-freed);
        return true;
    }

    /** The log says {@code topic} is gone (or never named it): its id may be reused. */
    void released(DiskTopic topic) {
        byId.remove(topic.id, topic);
    }

    /** An id no topic has: the next one, skipping ids in use once the count wraps around. */
    private synchronized int newId() {
        while (byId.containsKey(nextId)) {
            nextId++;
        }
        return nextId++;
    }

    /** Every topic, in no particular order. */
    List<DiskTopic> topics() {
        return List.copyOf(byName.values());
    }

    /** Applies a commit of the writer: the header it wrote first, if any, then the entries, within the bounds. */
    void applyWritten(DiskTopic topic, TopicHeader header, List<IndexEntry> entries) {
        long change = 0;
        synchronized (topic.ring) {
            if (topic.forgotten) {
                return;
            }
            if (header != null) {
                change -= topic.ring.reset(header.epoch(), header.epochFirst(), header.next(), header.goneAtMillis());
                topic.headerWritten = true;
            }
            for (IndexEntry entry : entries) {
                change += topic.ring.keep(entry, limits);
            }
        }
        total.add(change);
    }

    /** After the writer applied a commit: lets go of the oldest history while all topics hold too much. */
    void written() {
        total.enforce();
        Runnable listener = onWritten;
        if (listener != null) {
            listener.run();
        }
    }

    /** Runs {@code listener} after each commit, on the writer thread. */
    void onWritten(Runnable listener) {
        onWritten = listener;
    }

    /** A segment that became part of the log, at its end. */
    void added(Segment segment) {
        segments.add(segment);
    }

    /** The files that make the log, in order. */
    List<Segment> segments() {
        return List.copyOf(segments);
    }

    /** Replaces the files that make the log: a rewrite's base and what came after it. */
    void replaceSegments(List<Segment> from, Segment base) {
        segments.removeAll(from);
        segments.add(0, base);
    }

    /** Bytes the log's files hold. */
    long logBytes() {
        long bytes = 0;
        for (Segment segment : segments) {
            bytes += segment.size();
        }
        return bytes;
    }
}
