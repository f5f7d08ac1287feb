package dev.fanout.bench;

import dev.fanout.protocol.frame.Frames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;

/**
 * fanout's frames port in raw mode: connecting subscribes to the default topic (the topic name is not sent),
 * and each frame sent is published there. A raw publisher is a subscriber too and discards what it receives.
 */
final class FanoutRawWire implements Wire {

    /** Frames larger than this are treated as a broken stream: the bench never sends them. */
    private static final int MAX_FRAME = 16 * 1024 * 1024;

    @Override
    public ByteBuf hello(ByteBufAllocator alloc) {
        return null;
    }

    @Override
    public ByteBuf subscribe(ByteBufAllocator alloc, String topic) {
        return null;
    }

    @Override
    public void publish(ByteBuf out, String topic, ByteBuf payload) {
        Frames.write(out, payload);
    }

    @Override
    public int publishSize(String topic, int payloadSize) {
        return Frames.LENGTH_BYTES + payloadSize;
    }

    @Override
    public ChannelHandler subscriberHandler(PayloadSink sink) {
        return new FrameScanner(sink);
    }

    @Override
    public ChannelHandler publisherHandler() {
        return new FrameScanner((buf, index, length) -> { });
    }

    /** Finds frames in place and hands each payload to the sink, allocating nothing per message. */
    private static final class FrameScanner extends ScanningDecoder {
        private final PayloadSink sink;

        FrameScanner(PayloadSink sink) {
            this.sink = sink;
        }

        @Override
        protected void scan(ChannelHandlerContext ctx, ByteBuf in) {
            while (in.readableBytes() >= Frames.LENGTH_BYTES) {
                int start = in.readerIndex();
                long length = in.getUnsignedInt(start);
                if (length > MAX_FRAME) {
                    throw new CorruptedFrameException("frame of " + length + " bytes: the stream is broken");
                }
                if (in.readableBytes() < Frames.LENGTH_BYTES + length) {
                    return;
                }
                sink.onPayload(in, start + Frames.LENGTH_BYTES, (int) length);
                in.readerIndex(start + Frames.LENGTH_BYTES + (int) length);
            }
        }
    }
}
