package dev.fanout.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * A decoder under measurement: an {@link EmbeddedChannel} holding the decoder and a {@link CountingSink}, fed
 * the same read, a buffer of whole messages, on every call. Owns the read; {@link #close()} releases it.
 */
final class DecodeRig implements AutoCloseable {

    private final ByteBuf read;
    private final CountingSink sink = new CountingSink();
    private final EmbeddedChannel channel;

    DecodeRig(ChannelHandler decoder, ByteBuf read) {
        this.read = read;
        this.channel = new EmbeddedChannel(decoder, sink);
    }

    /**
     * Decodes the read once and returns how many messages came out. The decoder gets a retained duplicate
     * (its own indexes, no copy), which it releases once it has consumed it, as it would a socket read.
     */
    int decode() {
        sink.reset();
        channel.writeInbound(read.retainedDuplicate());
        return sink.messages();
    }

    /** What the last {@link #decode()} emitted. */
    CountingSink sink() {
        return sink;
    }

    /** The read fed to the decoder. */
    ByteBuf read() {
        return read;
    }

    @Override
    public void close() {
        channel.finishAndReleaseAll();
        read.release();
    }
}
