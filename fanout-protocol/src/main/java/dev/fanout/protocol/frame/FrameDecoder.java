package dev.fanout.protocol.frame;

import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * Splits a byte stream into frame payloads (without the length prefix), each a retained slice the next
 * handler must release.
 *
 * <p>A length above the maximum fails at once with a {@link io.netty.handler.codec.TooLongFrameException},
 * before any payload byte is buffered, so a 4 GiB prefix costs nothing. Stateful: one instance per channel.
 */
public final class FrameDecoder extends LengthFieldBasedFrameDecoder {

    /** Creates a decoder that refuses payloads longer than {@code maxFrame} bytes. */
    public FrameDecoder(int maxFrame) {
        // offset 0, 4-byte length, no adjustment, strip the 4 length bytes, fail fast on the header alone.
        super(maxFrame + Frames.LENGTH_BYTES, 0, Frames.LENGTH_BYTES, 0, Frames.LENGTH_BYTES, true);
    }
}
