package dev.fanout.bench;

import io.netty.buffer.ByteBuf;

/**
 * What the bench writes at the start of every payload, so a receiver can check it and time it:
 *
 * <pre>
 * +---------------+---------------+-------------------------------+------------- ... --+
 * | publisher: i32| sequence: i32 | send time: i64, System.nanoTime() | zero padding      |
 * +---------------+---------------+-------------------------------+------------- ... --+
 * </pre>
 *
 * <p>Publisher {@value #PROBE} marks a readiness probe, not counted. Sequence numbers start at 0 per publisher.
 */
final class Stamp {

    /** The smallest payload that holds a stamp. */
    static final int SIZE = 16;

    /** The publisher number of readiness probes. */
    static final int PROBE = -1;

    private Stamp() {
    }

    /** Writes a stamp at the start of {@code payload} (which has at least {@link #SIZE} bytes). */
    static void write(ByteBuf payload, int publisher, int sequence, long sentNanos) {
        int at = payload.readerIndex();
        payload.setInt(at, publisher);
        payload.setInt(at + 4, sequence);
        payload.setLong(at + 8, sentNanos);
    }

    static int publisher(ByteBuf buf, int index) {
        return buf.getInt(index);
    }

    static int sequence(ByteBuf buf, int index) {
        return buf.getInt(index + 4);
    }

    static long sentNanos(ByteBuf buf, int index) {
        return buf.getLong(index + 8);
    }
}
