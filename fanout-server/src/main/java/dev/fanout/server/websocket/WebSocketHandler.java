package dev.fanout.server.websocket;

import dev.fanout.protocol.control.ControlCodec;
import dev.fanout.protocol.control.ControlFrame;
import dev.fanout.protocol.control.ControlProtocolException;
import dev.fanout.protocol.control.ErrorCode;
import dev.fanout.protocol.control.HelloOptions;
import dev.fanout.protocol.control.Option;
import dev.fanout.protocol.control.RefKind;
import dev.fanout.protocol.frame.Frames;
import dev.fanout.server.control.ControlHandler;
import dev.fanout.server.http.Credentials;
import dev.fanout.server.session.CloseReason;
import dev.fanout.server.session.Session;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a WebSocket client's messages into control mode: each JSON text message becomes the control frame it
 * stands for and goes to the {@link ControlHandler} as a frames client's frame does. The first must be a hello;
 * binary messages, messages that are not JSON of a known type, and a broken WebSocket stream are answered with an
 * error and a close, as in control mode. Pings are answered, a close frame ends the session. One per connection.
 */
final class WebSocketHandler extends ChannelInboundHandlerAdapter {

    private final Session session;
    private final ControlHandler control;
    private final String serverName;
    private final Credentials upgradeCredentials;
    private boolean helloSaid;

    /** @param upgradeCredentials the upgrade request's {@code Authorization}, for a hello that gives none, or null */
    WebSocketHandler(Session session, ControlHandler control, String serverName, Credentials upgradeCredentials) {
        this.session = session;
        this.control = control;
        this.serverName = serverName;
        this.upgradeCredentials = upgradeCredentials;
    }

    /** A client must say hello within {@code --handshake-timeout}: a connection that only holds a place is closed. */
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        long millis = session.context().handshakeTimeout().toMillis();
        ctx.executor().schedule(() -> {
            if (!helloSaid && !session.isClosed()) {
                session.close(CloseReason.HANDSHAKE_TIMEOUT, "no hello within " + millis + " ms (--handshake-timeout)");
            }
        }, millis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (session.isClosed()) {
                return;
            }
            if (msg instanceof TextWebSocketFrame text) {
                read(ctx, text.text());
            } else if (msg instanceof PingWebSocketFrame ping) {
                // Through the session's queue, so that a client that pings and never reads meets its limits.
                session.send(pong(ctx, ping.content()));
            } else if (msg instanceof CloseWebSocketFrame close) {
                String why = close.reasonText();
                session.close(CloseReason.CLIENT_QUIT, why == null || why.isEmpty() ? null : why);
            } else if (msg instanceof BinaryWebSocketFrame) {
                refuse(ErrorCode.MALFORMED, "messages are JSON text, not binary (docs/protocol.md, WebSocket)");
            }
            // A pong only says the client is there; the control handler's keepalive hears every message.
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void read(ChannelHandlerContext ctx, String json) {
        ControlFrame frame;
        try {
            frame = WebSocketJson.read(json);
        } catch (ControlProtocolException e) {
            if (helloSaid) {
                // Each message stands alone (the WebSocket frames it): after a bad one the client may go on, as
                // after a bad topic in control mode.
                error(e.code(), e.refKind(), e.ref(), e.getMessage());
                return;
            }
            refuse(e.code(), e.getMessage());
            return;
        }
        if (!helloSaid) {
            if (!(frame instanceof ControlFrame.Hello hello)) {
                frame.release();
                refuse(ErrorCode.HELLO_REQUIRED, "send a hello first: {\"type\":\"hello\",\"name\":\"...\"}");
                return;
            }
            helloSaid = true;
            control.hello(body(ctx, withUpgradeCredentials(hello)), serverName);
            return;
        }
        ctx.fireChannelRead(body(ctx, frame));
    }

    /**
     * The hello, with the upgrade request's credentials when it has none of its own: a program may log in with
     * {@code Authorization} on the upgrade, as on any HTTP request; a browser, which cannot set it, in the hello.
     */
    private ControlFrame.Hello withUpgradeCredentials(ControlFrame.Hello hello) {
        if (upgradeCredentials == null || hello.option(HelloOptions.USER) != null
                || hello.option(HelloOptions.PASSWORD) != null || hello.option(HelloOptions.TOKEN) != null) {
            return hello;
        }
        List<Option> options = new ArrayList<>(hello.options());
        if (upgradeCredentials.token() != null) {
            options.add(new Option(HelloOptions.TOKEN, upgradeCredentials.token()));
        } else {
            options.add(new Option(HelloOptions.USER, upgradeCredentials.user()));
            options.add(new Option(HelloOptions.PASSWORD, new String(upgradeCredentials.password())));
        }
        return new ControlFrame.Hello(hello.version(), options);
    }

    /** A pong frame with the ping's payload (at most 125 bytes, as the decoder checked), whole. */
    private static ByteBuf pong(ChannelHandlerContext ctx, ByteBuf payload) {
        ByteBuf pong = ctx.alloc().buffer(2 + payload.readableBytes());
        WebSocketFrames.writeHeader(pong, WebSocketFrames.OPCODE_PONG, payload.readableBytes());
        return pong.writeBytes(payload, payload.readerIndex(), payload.readableBytes());
    }

    /** The frame as a frames client's frame body, which is what the control handler reads. */
    private static ByteBuf body(ChannelHandlerContext ctx, ControlFrame frame) {
        ByteBuf whole = ControlCodec.encode(ctx.alloc(), frame);
        frame.release();
        return whole.skipBytes(Frames.LENGTH_BYTES);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.fireChannelReadComplete();
    }

    private void refuse(ErrorCode code, String text) {
        error(code, RefKind.NONE, 0, text);
        session.close(CloseReason.PROTOCOL_ERROR, code.label() + ": " + text);
    }

    private void error(ErrorCode code, RefKind refKind, long ref, String text) {
        session.send(WebSocketJson.write(session.channel().alloc(), new ControlFrame.Error(code, refKind, ref,
                text)));
    }

    /**
     * A broken WebSocket stream: the decoder stops reading it, and the session closes with a goodbye saying why (the
     * decoder is told not to close on its own, so that the client learns the reason).
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException || cause instanceof CorruptedWebSocketFrameException corrupted
                && corrupted.closeStatus().equals(WebSocketCloseStatus.MESSAGE_TOO_BIG)) {
            session.close(CloseReason.FRAME_TOO_LARGE, cause.getMessage() + " (--max-ws-message)");
        } else if (cause instanceof CorruptedFrameException) {
            session.close(CloseReason.PROTOCOL_ERROR, "not a WebSocket stream: " + cause.getMessage());
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }
}
