package dev.fanout.store.disk;

import dev.fanout.store.Kept;

/**
 * Where one message of a topic lies in the log: the index keeps this in memory, not the payload. Its place
 * changes when a rewrite copies it, under its topic's lock, which readers take to find it.
 */
final class IndexEntry {

    /**
     * What a message on disk counts against the history's bounds besides its payload: its record's header on
     * disk ({@link LogRecord#HEADER_BYTES}) and this entry in memory, with its slot in the topic's ring.
     */
    static final int OVERHEAD = LogRecord.HEADER_BYTES + 48;

    /** What a topic's ring needs to know of its entries. */
    static final Kept<IndexEntry> KEPT = new Kept<>() {
        @Override
        public long sequence(IndexEntry entry) {
            return entry.sequence;
        }

        @Override
        public long publishedAtMillis(IndexEntry entry) {
            return entry.publishedAtMillis;
        }

        @Override
        public long size(IndexEntry entry) {
            return entry.size - LogRecord.HEADER_BYTES + (long) OVERHEAD;
        }

        @Override
        public void release(IndexEntry entry) {
            // The record stays in its file until a rewrite leaves it out.
        }
    };

    final long sequence;
    final long publishedAtMillis;
    /** The record's size in the log, header included. */
    final int size;
    /** Whether this run wrote it: only then does its publisher's client number mean a client of this run. */
    final boolean fromThisRun;
    /** Guarded by the topic's lock. */
    Segment segment;
    /** Guarded by the topic's lock. */
    long offset;

    IndexEntry(long sequence, long publishedAtMillis, int size, boolean fromThisRun, Segment segment, long offset) {
        this.sequence = sequence;
        this.fromThisRun = fromThisRun;
        this.publishedAtMillis = publishedAtMillis;
        this.size = size;
        this.segment = segment;
        this.offset = offset;
    }
}
