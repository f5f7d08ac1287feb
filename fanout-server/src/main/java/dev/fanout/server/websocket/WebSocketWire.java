package dev.fanout.server.websocket;

import dev.fanout.hub.Encoding;
import dev.fanout.hub.MessageForm;
import dev.fanout.hub.Origin;
import dev.fanout.protocol.control.ControlFrame;
import dev.fanout.server.control.ControlEncoding;
import dev.fanout.server.session.CloseReason;
import dev.fanout.server.session.Protocol;
import dev.fanout.server.session.Wire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A WebSocket client's way of showing session events: its goodbye is a goodbye message, then a close frame;
 * text from the operator or another client is a {@code text} message (a browser can show it, unlike a program
 * reading binary frames); dropped messages are told per subscription as gap messages by the subscriptions. Stateless;
 * shared.
 */
final class WebSocketWire implements Wire {

    static final WebSocketWire INSTANCE = new WebSocketWire();
    /** The close code of a normal close (RFC 6455, 7.4.1), and of a close for a policy the client broke. */
    private static final int NORMAL = 1000;
    private static final int POLICY = 1008;

    private WebSocketWire() {
    }

    @Override
    public Protocol protocol() {
        return Protocol.WEBSOCKET;
    }

    /** Subscriptions encode their own msg messages ({@link WsMsgForm}); this is what a stray plain one gets. */
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
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("type", "text");
        message.put("from", from.name());
        message.put("text", text);
        return WebSocketJson.textFrame(alloc, message);
    }

    @Override
    public ByteBuf missed(ByteBufAllocator alloc, long messages) {
        return null;
    }

    @Override
    public ByteBuf goodbye(ByteBufAllocator alloc, CloseReason reason, String detail) {
        String text = detail == null ? reason.description() : reason.description() + ": " + detail;
        ByteBuf goodbye = WebSocketJson.write(alloc, new ControlFrame.Goodbye(
                ControlEncoding.goodbyeReason(reason), text));
        // The close frame's reason is at most 123 bytes; the goodbye before it has the whole text.
        byte[] why = reason.label().getBytes(StandardCharsets.UTF_8);
        int code = reason == CloseReason.SHUTDOWN || reason == CloseReason.CLIENT_QUIT ? NORMAL : POLICY;
        WebSocketFrames.writeHeader(goodbye, WebSocketFrames.OPCODE_CLOSE, 2 + why.length);
        goodbye.writeShort(code).writeBytes(why);
        return goodbye;
    }
}
