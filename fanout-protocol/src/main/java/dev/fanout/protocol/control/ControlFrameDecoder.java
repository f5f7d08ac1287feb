package dev.fanout.protocol.control;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.util.List;

/**
 * Turns frame bodies from a {@link dev.fanout.protocol.frame.FrameDecoder} into {@link ControlFrame}s, with
 * {@link ControlCodec#decode}. Each body is released here; the next handler owns each frame and calls
 * {@link ControlFrame#release()} on it (a PUB's or MSG's payload is a retained slice of the body). A frame
 * that breaks the protocol fires a {@link ControlProtocolException} through {@code exceptionCaught}; frames
 * after it keep being decoded, so the handler that catches it decides whether to answer or close.
 *
 * <p>Stateless: one shared {@link #INSTANCE} serves every channel, on its event loop.
 */
@Sharable
public final class ControlFrameDecoder extends MessageToMessageDecoder<ByteBuf> {

    /** The one instance; it holds no state. */
    public static final ControlFrameDecoder INSTANCE = new ControlFrameDecoder();

    private ControlFrameDecoder() {
        super(ByteBuf.class);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf body, List<Object> out) {
        out.add(ControlCodec.decode(body));
    }
}
