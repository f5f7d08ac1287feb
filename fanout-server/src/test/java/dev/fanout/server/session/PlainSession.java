package dev.fanout.server.session;

import dev.fanout.hub.Encoding;
import dev.fanout.hub.Origin;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;

/**
 * A session for tests over any channel: text goes out as its UTF-8 bytes alone, so a text of n bytes is
 * held as n bytes, and there are no notices or goodbyes (as with raw frames).
 */
final class PlainSession extends Session {

    PlainSession(long id, Channel channel, SessionContext context) {
        super(id, channel, context);
    }

    @Override
    public Protocol protocol() {
        return Protocol.FRAMES;
    }

    @Override
    protected Encoding encoding() {
        return Encoding.FRAME;
    }

    @Override
    protected ByteBuf encodeText(Origin from, String text) {
        return ByteBufUtil.writeUtf8(channel().alloc(), text);
    }

    @Override
    protected ByteBuf encodeNotice(String text) {
        return null;
    }
}
