package dev.fanout.server.control;

import dev.fanout.hub.MessageForm;
import dev.fanout.protocol.control.ControlCodec;
import dev.fanout.protocol.control.ControlFrame;
import dev.fanout.protocol.control.GoodbyeReason;
import dev.fanout.server.session.CloseReason;
import dev.fanout.server.session.Wire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * How a control-mode session's frames go onto its connection: as the frames protocol's binary control frames, or,
 * for a WebSocket client, as JSON text messages. Everything else about control mode (subscriptions and resume,
 * publishing and acknowledgements, logins, limits, keepalive) is the same whichever it is.
 */
public interface ControlEncoding {

    /** The frames protocol's own: length-prefixed binary control frames ({@code docs/protocol.md}). */
    ControlEncoding BINARY = new ControlEncoding() {
        @Override
        public ByteBuf encode(ByteBufAllocator alloc, ControlFrame frame) {
            return ControlCodec.encode(alloc, frame);
        }

        @Override
        public MessageForm msgForm(int subscriptionId) {
            return new MsgForm(subscriptionId);
        }

        @Override
        public Wire wire() {
            return ControlWire.INSTANCE;
        }
    };

    /** {@code frame} as bytes ready for the connection (the caller owns them). */
    ByteBuf encode(ByteBufAllocator alloc, ControlFrame frame);

    /** The form of MSG frames of subscription {@code subscriptionId}: encoded once per batch for all who share it. */
    MessageForm msgForm(int subscriptionId);

    /** The session's wire once it is in control mode: how its goodbye and other events look. */
    Wire wire();

    /** The GOODBYE reason code a close reason is told with. */
    static GoodbyeReason goodbyeReason(CloseReason reason) {
        return ControlWire.reasonFor(reason);
    }
}
