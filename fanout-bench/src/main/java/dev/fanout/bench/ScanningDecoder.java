package dev.fanout.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * A decoder that finds messages in place and hands them on itself, never through {@code out}, so nothing is
 * allocated per message. After the first error it discards everything: a half-read line or payload (or a
 * sink that threw mid-payload) leaves nothing to resume from, and resuming would deliver a payload twice.
 */
abstract class ScanningDecoder extends ByteToMessageDecoder {

    private boolean failed;

    /** Consumes every whole message in {@code in}, leaving a partial one for the next read. */
    protected abstract void scan(ChannelHandlerContext ctx, ByteBuf in);

    @Override
    protected final void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            scan(ctx, in);
        } catch (RuntimeException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }
}
