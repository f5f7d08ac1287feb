package dev.fanout.server.frames;

import dev.fanout.hub.Encoding;
import dev.fanout.hub.MessageForm;
import dev.fanout.hub.Origin;
import dev.fanout.protocol.frame.Frames;
import dev.fanout.server.session.CloseReason;
import dev.fanout.server.session.Protocol;
import dev.fanout.server.session.Wire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;

/**
 * Raw frames mode: payloads only. Raw mode has no message types, so it cannot carry notices, drop reports or
 * goodbyes: text sent to the client alone arrives as one ordinary frame, and close reasons go to the log only.
 * Stateless; one instance serves every session.
 */
final class RawWire implements Wire {

    static final RawWire INSTANCE = new RawWire();

    private RawWire() {
    }

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
        ByteBuf payload = ByteBufUtil.writeUtf8(alloc, text);
        try {
            return Frames.encode(alloc, payload);
        } finally {
            payload.release();
        }
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
