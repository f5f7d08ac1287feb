package dev.fanout.store.disk;

import dev.fanout.store.TopicRing;
import java.nio.charset.StandardCharsets;

/**
 * One topic of the log: its id in the records, its index (the {@link TopicRing} of what the log holds for it, as
 * written), and the numbering handed out to appends the writer has not written yet. Everything but the final
 * fields is guarded by the ring's monitor.
 */
final class DiskTopic {

    final String name;
    final byte[] nameUtf8;
    final int id;
    /** What the log holds for the topic, as far as written (and, with fsync always, forced): what readers see. */
    final TopicRing<IndexEntry> ring;
    /** The epoch of the last append handed to the writer. */
    long assignedEpoch;
    /** The sequence number of the last append handed to the writer. */
    long assignedLast;
    /** Whether a {@link LogRecord#TOPIC} record of the topic was handed to the writer: later appends need none. */
    boolean headerQueued;
    /** Whether one was written: what {@link #headerQueued} falls back to when a write fails. */
    boolean headerWritten;
    /**
     * Counts failed writes: an append numbered before a failure carries the old count and is refused by the
     * writer, since the numbers before it were never written.
     */
    int generation;
    /** Whether the store forgot the topic: the writer no longer updates its index. */
    boolean forgotten;

    DiskTopic(String name, int id, long epoch) {
        this.name = name;
        this.nameUtf8 = name.getBytes(StandardCharsets.UTF_8);
        this.id = id;
        this.ring = new TopicRing<>(IndexEntry.KEPT, epoch);
        this.assignedEpoch = epoch;
    }

    /** A topic the log brought back: its numbering is what was written. Under the ring's lock. */
    void recovered() {
        assignedEpoch = ring.epoch();
        assignedLast = ring.last();
        headerQueued = true;
        headerWritten = true;
    }

    /** A write of the topic failed: what was handed out after the last write is void. Under the ring's lock. */
    void writeFailed() {
        generation++;
        assignedEpoch = ring.epoch();
        assignedLast = ring.last();
        headerQueued = headerWritten;
    }

    @Override
    public String toString() {
        return "topic '" + name + "' (id " + Integer.toUnsignedString(id) + ")";
    }
}
