package dev.fanout.server.control;

import dev.fanout.hub.Encoding;
import dev.fanout.hub.MessageForm;
import dev.fanout.hub.Origin;
import dev.fanout.protocol.control.ControlCodec;
import dev.fanout.protocol.control.ControlFrame;
import dev.fanout.protocol.control.GoodbyeReason;
import dev.fanout.server.session.CloseReason;
import dev.fanout.server.session.Protocol;
import dev.fanout.server.session.Wire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Control mode's way of showing session events: the goodbye is a GOODBYE frame with a reason code; dropped
 * messages are reported per subscription as GAP frames by the subscriptions themselves; prose (chat notices,
 * private text) has no frame and is not sent. Stateless; shared.
 */
final class ControlWire implements Wire {

    static final ControlWire INSTANCE = new ControlWire();

    private ControlWire() {
    }

    @Override
    public Protocol protocol() {
        return Protocol.CONTROL;
    }

    /** Control subscriptions encode their own MSG frames ({@link MsgForm}); this is what a stray plain one gets. */
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
        return null;
    }

    @Override
    public ByteBuf missed(ByteBufAllocator alloc, long messages) {
        return null;
    }

    @Override
    public ByteBuf goodbye(ByteBufAllocator alloc, CloseReason reason, String detail) {
        String text = detail == null ? reason.description() : reason.description() + ": " + detail;
        return ControlCodec.encode(alloc, new ControlFrame.Goodbye(reasonFor(reason), text));
    }

    /** The GOODBYE reason code for a close reason. */
    static GoodbyeReason reasonFor(CloseReason reason) {
        return switch (reason) {
            case CLIENT_CLOSED, CLIENT_QUIT -> GoodbyeReason.CLIENT_QUIT;
            case SLOW_CONSUMER -> GoodbyeReason.SLOW_CONSUMER;
            case FRAME_TOO_LARGE -> GoodbyeReason.FRAME_TOO_LARGE;
            case FRAME_TIMEOUT -> GoodbyeReason.FRAME_TIMEOUT;
            case PROTOCOL_ERROR -> GoodbyeReason.PROTOCOL_ERROR;
            case IDLE, IDLE_TIMEOUT -> GoodbyeReason.IDLE;
            case SERVER_FULL, HTTP_FULL -> GoodbyeReason.SERVER_FULL;
            case ADDRESS_FULL, CONNECT_RATE -> GoodbyeReason.ADDRESS_FULL;
            case KICKED -> GoodbyeReason.KICKED;
            case SHUTDOWN -> GoodbyeReason.SHUTDOWN;
            case IO_ERROR, SERVER_ERROR, UNAVAILABLE -> GoodbyeReason.SERVER_ERROR;
            // The TLS ones end a connection before it is a session: never told in a GOODBYE.
            case READ_ONLY, NOT_TLS, TLS_TIMEOUT, TLS_FAILED -> GoodbyeReason.PROTOCOL_ERROR;
            case RELAY_LOOP -> GoodbyeReason.RELAY_LOOP;
            case RECONNECT -> GoodbyeReason.RECONNECT;
            case UNAUTHORIZED, FORBIDDEN, HANDSHAKE_TIMEOUT -> GoodbyeReason.AUTH_FAILED;
        };
    }
}
