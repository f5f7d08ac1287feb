package dev.fanout.protocol.control;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Writes {@link ControlFrame}s as whole wire frames with {@link ControlCodec#encode}; it writes the length
 * prefix itself, so no frame encoder goes below it. Writing a frame hands it over: the encoder releases it
 * once encoded, or when encoding fails, as Netty does for any message written. Payloads are copied.
 * A frame that cannot be encoded fails the write's promise with an
 * {@link io.netty.handler.codec.EncoderException} caused by the {@link IllegalArgumentException}.
 *
 * <p>Stateless: one shared {@link #INSTANCE} serves every channel, on its event loop.
 */
@Sharable
public final class ControlFrameEncoder extends MessageToMessageEncoder<ControlFrame> {

    /** The one instance; it holds no state. */
    public static final ControlFrameEncoder INSTANCE = new ControlFrameEncoder();

    private ControlFrameEncoder() {
        super(ControlFrame.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, ControlFrame frame, List<Object> out) {
        try {
            out.add(ControlCodec.encode(ctx.alloc(), frame));
        } finally {
            // Not a ReferenceCounted, so MessageToMessageEncoder would not release it.
            frame.release();
        }
    }
}
