package dev.fanout.server.session;

import dev.fanout.hub.Encoding;
import dev.fanout.hub.MessageForm;
import dev.fanout.hub.Origin;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;

/**
 * A wire for tests over any channel: text goes out as its UTF-8 bytes alone, so a text of n bytes is held as
 * n bytes, and there are no notices or goodbyes (as with raw frames).
 */
final class PlainWire implements Wire {

    static final PlainWire INSTANCE = new PlainWire();

    @Override
    public Protocol protocol() {
        return Protocol.FRAMES;
    }

    @Override
    public MessageForm form() {
        return Encoding.FRAME;
    }

    @Override
    public ByteBuf notice(ByteBufAllocator alloc, String text) {
        return null;
    }

    @Override
    public ByteBuf privateText(ByteBufAllocator alloc, Origin from, String text) {
        return ByteBufUtil.writeUtf8(alloc, text);
    }

    @Override
    public ByteBuf missed(ByteBufAllocator alloc, long messages) {
        return null;
    }

    @Override
    public ByteBuf goodbye(ByteBufAllocator alloc, CloseReason reason, String detail) {
        return null;
    }
}
