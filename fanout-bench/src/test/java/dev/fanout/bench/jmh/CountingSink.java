package dev.fanout.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of a decoder benchmark's pipeline: counts what the decoder emits and releases it, as a
 * session's handler does once it has published a message. Stateful: one per channel.
 */
final class CountingSink extends ChannelInboundHandlerAdapter {

    private int messages;
    private long length;
    private int others;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
            messages++;
            length += buf.readableBytes();
        } else if (msg instanceof String line) {
            messages++;
            length += line.length();
        } else {
            others++;
        }
        ReferenceCountUtil.release(msg);
    }

    /** Forgets the counts. */
    void reset() {
        messages = 0;
        length = 0;
        others = 0;
    }

    /** Buffers and strings received since the last reset. */
    int messages() {
        return messages;
    }

    /** Their bytes (buffers) or characters (strings) since the last reset. */
    long length() {
        return length;
    }

    /** Anything else received since the last reset, such as a {@code LineProblem}. */
    int others() {
        return others;
    }
}
