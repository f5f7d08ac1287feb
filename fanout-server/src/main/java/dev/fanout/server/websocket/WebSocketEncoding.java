package dev.fanout.server.websocket;

import dev.fanout.hub.MessageForm;
import dev.fanout.protocol.control.ControlFrame;
import dev.fanout.server.control.ControlEncoding;
import dev.fanout.server.session.Wire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** Control mode over a WebSocket: each frame a JSON text message ({@link WebSocketJson}, {@link WsMsgForm}). */
final class WebSocketEncoding implements ControlEncoding {

    static final WebSocketEncoding INSTANCE = new WebSocketEncoding();

    private WebSocketEncoding() {
    }

    @Override
    public ByteBuf encode(ByteBufAllocator alloc, ControlFrame frame) {
        return WebSocketJson.write(alloc, frame);
    }

    @Override
    public MessageForm msgForm(int subscriptionId) {
        return new WsMsgForm(subscriptionId);
    }

    @Override
    public Wire wire() {
        return WebSocketWire.INSTANCE;
    }
}
