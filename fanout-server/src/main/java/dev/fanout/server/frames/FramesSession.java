package dev.fanout.server.frames;

import dev.fanout.hub.Encoding;
import dev.fanout.hub.Origin;
import dev.fanout.protocol.frame.Frames;
import dev.fanout.server.session.Protocol;
import dev.fanout.server.session.Session;
import dev.fanout.server.session.SessionContext;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;

/**
 * A raw frames client. Raw mode has no message types, so it cannot be told notices or goodbyes: text sent
 * to it alone arrives as one ordinary frame, and close reasons go to the log only.
 */
final class FramesSession extends Session {

    FramesSession(long id, Channel channel, SessionContext context) {
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
        ByteBuf payload = ByteBufUtil.writeUtf8(channel().alloc(), text);
        try {
            return Frames.encode(channel().alloc(), payload);
        } finally {
            payload.release();
        }
    }

    @Override
    protected ByteBuf encodeNotice(String text) {
        return null;
    }
}
