package dev.fanout.server.lines;

import dev.fanout.hub.Encoding;
import dev.fanout.hub.MessageForm;
import dev.fanout.hub.Origin;
import dev.fanout.protocol.line.Lines;
import dev.fanout.protocol.line.SafeText;
import dev.fanout.server.session.CloseReason;
import dev.fanout.server.session.Protocol;
import dev.fanout.server.session.Wire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The lines protocol's way of showing events: notices start with {@code ***}, private text with
 * {@code [private]}, and everything a client or the operator typed is escaped as published messages are
 * ({@link SafeText}), so that it cannot hide or reorder what the reader sees. Stateless; shared.
 */
final class LinesWire implements Wire {

    static final LinesWire INSTANCE = new LinesWire();

    private LinesWire() {
    }

    @Override
    public Protocol protocol() {
        return Protocol.LINES;
    }

    @Override
    public MessageForm form() {
        return Encoding.LINE;
    }

    @Override
    public ByteBuf notice(ByteBufAllocator alloc, String text) {
        return Lines.encode(alloc, "*** " + SafeText.escape(text));
    }

    @Override
    public ByteBuf privateText(ByteBufAllocator alloc, Origin from, String text) {
        String line = from.equals(Origin.OPERATOR) ? "[operator] " + text : "[private] " + from.name() + ": " + text;
        return Lines.encode(alloc, SafeText.escape(line));
    }

    @Override
    public ByteBuf missed(ByteBufAllocator alloc, long messages) {
        return notice(alloc, "you missed " + messages + " messages because you read too slowly");
    }

    @Override
    public ByteBuf goodbye(ByteBufAllocator alloc, CloseReason reason, String detail) {
        String why = detail == null ? reason.description() : reason.description() + ": " + detail;
        return notice(alloc, "disconnected: " + why);
    }
}
