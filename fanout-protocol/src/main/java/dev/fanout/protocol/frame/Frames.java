package dev.fanout.protocol.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** Constants and the one encoder of the frames protocol. */
public final class Frames {

    /** Bytes in the length prefix. */
    public static final int LENGTH_BYTES = 4;

    /**
     * Default largest payload a peer may send or receive: 1 MiB. Large enough for any sane message,
     * small enough that a hostile length prefix cannot make anyone allocate much.
     */
    public static final int DEFAULT_MAX_FRAME = 1024 * 1024;

    private Frames() {
    }

    /**
     * Encodes one frame (length prefix and payload) into a single new buffer, so a server can write the
     * same bytes to every recipient. The caller owns the returned buffer; {@code payload} is not released.
     */
    public static ByteBuf encode(ByteBufAllocator alloc, ByteBuf payload) {
        ByteBuf frame = alloc.directBuffer(LENGTH_BYTES + payload.readableBytes());
        write(frame, payload);
        return frame;
    }

    /** Appends one frame holding {@code payload}'s readable bytes to {@code out}; {@code payload} is unchanged. */
    public static void write(ByteBuf out, ByteBuf payload) {
        int length = payload.readableBytes();
        out.writeInt(length);
        out.writeBytes(payload, payload.readerIndex(), length);
    }
}
