package dev.fanout.store.disk;

/**
 * A place in the log.
 *
 * @param segment the segment's number
 * @param offset  the byte offset in it
 */
record LogPosition(long segment, long offset) {

    @Override
    public String toString() {
        return "segment " + segment + " at byte " + offset;
    }
}
