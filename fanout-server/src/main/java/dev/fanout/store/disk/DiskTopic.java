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
    /** The first sequence number of that epoch. */
    long assignedEpochFirst = 1;
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
        assignedEpochFirst = ring.epochFirst();
        assignedLast = ring.last();
        headerQueued = true;
        headerWritten = true;
    }

    /** A write of the topic failed: what was handed out after the last write is void. Under the ring's lock. */
    void writeFailed() {
        generation++;
        assignedEpoch = ring.epoch();
        assignedEpochFirst = ring.epochFirst();
        assignedLast = ring.last();
        headerQueued = headerWritten;
    }

    /**
     * The {@link LogRecord#TOPIC} record the next append needs first, or null: the first record of a topic new to
     * the log names it, in its epoch, numbering from the next. Under the ring's lock.
     */
    TopicHeader headerForNext() {
        return headerQueued ? null : TopicHeader.fresh(assignedEpoch, assignedLast + 1);
    }

    /**
     * The {@link LogRecord#TOPIC} record that makes {@code sequence} of {@code epoch}, published at
     * {@code millis}, the topic's next message, as a relay asks (another epoch starts afresh at it, a jump
     * skips ahead to it), or null if it follows on. Takes that numbering as handed out. Under the ring's lock.
     */
    TopicHeader renumberFor(long epoch, long sequence, long millis) {
        TopicHeader header;
        if (epoch != assignedEpoch) {
            header = TopicHeader.fresh(epoch, sequence);
            assignedEpochFirst = sequence;
        } else if (sequence > assignedLast + 1) {
            // What the written index let go belongs to this epoch only if nothing renumbered it since.
            long gone = ring.epoch() == epoch ? ring.newestGoneAtMillis() : Long.MIN_VALUE;
            header = new TopicHeader(epoch, assignedEpochFirst, sequence, Math.max(gone, millis));
        } else {
            header = headerForNext();
        }
        assignedEpoch = epoch;
        assignedLast = sequence;
        return header;
    }

    @Override
    public String toString() {
        return "topic '" + name + "' (id " + Integer.toUnsignedString(id) + ")";
    }
}
