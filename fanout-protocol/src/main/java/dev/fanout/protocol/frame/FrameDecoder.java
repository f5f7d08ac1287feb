package dev.fanout.protocol.frame;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;

/**
 * Splits a byte stream into frame payloads (without the length prefix), each a retained slice the next
 * handler must release.
 *
 * <p>A length above the maximum fails at once with a {@link io.netty.handler.codec.TooLongFrameException},
 * before any payload byte is buffered, so a 4 GiB prefix costs nothing. Stateful: one instance per channel.
 */
public final class FrameDecoder extends LengthFieldBasedFrameDecoder {

    private final int maxFrame;

    /** Creates a decoder that refuses payloads longer than {@code maxFrame} bytes. */
    public FrameDecoder(int maxFrame) {
        // offset 0, 4-byte length, no adjustment, strip the 4 length bytes, fail fast on the header alone.
        super(maxFrame + Frames.LENGTH_BYTES, 0, Frames.LENGTH_BYTES, 0, Frames.LENGTH_BYTES, true);
        this.maxFrame = maxFrame;
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
        // Checked here so the error names the payload length the peer announced, not Netty's adjusted one.
        if (in.readableBytes() >= Frames.LENGTH_BYTES) {
            long length = in.getUnsignedInt(in.readerIndex());
            if (length > maxFrame) {
                in.skipBytes(in.readableBytes());
                throw new TooLongFrameException("frame length " + length + " exceeds the maximum of "
                        + maxFrame + " bytes");
            }
        }
        return super.decode(ctx, in);
    }
}
