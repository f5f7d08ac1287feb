package dev.fanout.server.websocket;

import dev.fanout.server.control.ControlHandler;
import dev.fanout.server.control.ControlOptions;
import dev.fanout.server.control.SubscriptionBudget;
import dev.fanout.server.http.Credentials;
import dev.fanout.server.session.CloseReason;
import dev.fanout.server.session.RefusalLog;
import dev.fanout.server.session.Session;
import dev.fanout.server.session.SessionContext;
import dev.fanout.server.source.RelayPath;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.ssl.SslHandler;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.LoggerFactory;

/**
 * Turns an HTTP connection that asks {@code GET /ws} with {@code Upgrade: websocket} into a WebSocket session in
 * control mode: checks where the page comes from ({@code Origin}), answers the handshake, and replaces the HTTP
 * handlers with the WebSocket ones. Bounded: at most {@code maxWebSockets} at once, each message at most
 * {@code maxMessage} bytes (in assembly too). Shared by all connections of the HTTP listener.
 */
public final class WebSocketUpgrade {

    /** The path browsers connect to. */
    public static final String PATH = "/ws";

    private final SessionContext context;
    private final ControlOptions control;
    private final int maxPayload;
    private final SubscriptionBudget subscriptions;
    private final RelayPath relays;
    private final String serverName;
    private final WebSocketOptions options;
    private final AtomicInteger open = new AtomicInteger();
    private final RefusalLog refusals = new RefusalLog(LoggerFactory.getLogger(WebSocketUpgrade.class));

    /**
     * @param maxPayload the largest payload a pub may carry (--max-frame)
     */
    public WebSocketUpgrade(SessionContext context, ControlOptions control, int maxPayload,
                            SubscriptionBudget subscriptions, RelayPath relays, String serverName,
                            WebSocketOptions options) {
        this.context = context;
        this.control = control;
        this.maxPayload = maxPayload;
        this.subscriptions = subscriptions;
        this.relays = relays;
        this.serverName = serverName;
        this.options = options;
    }

    /**
     * Why this request may not become a WebSocket, or null if it may: it must ask for the upgrade, come from an
     * allowed origin, and find a place.
     */
    public String refusal(FullHttpRequest request) {
        if (!"websocket".equalsIgnoreCase(request.headers().get(HttpHeaderNames.UPGRADE))) {
            return "GET /ws is a WebSocket endpoint: connect with a WebSocket client (new WebSocket(\"ws://HOST:PORT"
                    + "/ws\") in a browser)";
        }
        if (!request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                || !request.headers().contains(HttpHeaderNames.SEC_WEBSOCKET_KEY)
                || !"13".equals(request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_VERSION))) {
            return "not a WebSocket handshake this server takes: it needs Connection: Upgrade, a Sec-WebSocket-Key "
                    + "and Sec-WebSocket-Version: 13 (RFC 6455)";
        }
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        if (origin != null && !allowed(origin, request.headers().get(HttpHeaderNames.HOST))) {
            return "a page from " + origin + " may not connect here (--ws-origin lists the origins allowed besides "
                    + "the server's own)";
        }
        String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (authorization != null) {
            try {
                Credentials.parse(authorization);
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
        }
        return null;
    }

    private boolean allowed(String origin, String host) {
        List<String> allowed = options.origins();
        if (allowed.contains("*") || allowed.stream().anyMatch(o -> o.equalsIgnoreCase(origin))) {
            return true;
        }
        try {
            String authority = new URI(origin).getRawAuthority();
            return authority != null && host != null && authority.equalsIgnoreCase(host);
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /**
     * Answers the handshake and makes the session; false, with nothing done, when {@code --max-websockets} are open
     * already (the caller answers 503). On the channel's loop.
     */
    public boolean upgrade(Channel channel, FullHttpRequest request, Runnable removeHttpHandlers) {
        if (open.incrementAndGet() > options.maxWebSockets()) {
            open.decrementAndGet();
            context.stats().countClose(CloseReason.HTTP_FULL);
            refusals.refused(channel.remoteAddress(), "too many WebSocket clients (" + options.maxWebSockets()
                    + ", --max-websockets)");
            return false;
        }
        channel.closeFuture().addListener(closed -> open.decrementAndGet());
        String scheme = channel.pipeline().get(SslHandler.class) == null ? "ws" : "wss";
        // refusal() took only version 13, for which the factory's handshaker is RFC 6455's.
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(
                scheme + "://" + request.headers().get(HttpHeaderNames.HOST, "localhost") + PATH, null,
                WebSocketDecoderConfig.newBuilder().maxFramePayloadLength(options.maxMessage())
                        .allowExtensions(false).closeOnProtocolViolation(false).build())
                .newHandshaker(request);
        removeHttpHandlers.run();
        Session session = new Session(context.registry().nextId(), channel, context, WebSocketWire.INSTANCE);
        ControlHandler handler = new ControlHandler(session, control, maxPayload, subscriptions, relays,
                WebSocketEncoding.INSTANCE);
        try {
            handshaker.handshake(channel, request).addListener(done -> {
                if (!done.isSuccess()) {
                    channel.close();
                }
            });
        } catch (RuntimeException e) {
            // The HTTP handlers are gone: nothing else would close it.
            refusals.refused(channel.remoteAddress(), "WebSocket handshake failed: " + e.getMessage());
            channel.close();
            return true;
        }
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast("wsAggregator", new WebSocketFrameAggregator(options.maxMessage()))
                .addLast("websocket", new WebSocketHandler(session, handler, serverName, credentials(request)))
                .addLast("control", handler);
        session.open();
        return true;
    }

    /**
     * The upgrade request's credentials (a bearer token or basic auth), or null. Only a program's: a browser sends
     * an Origin, and may add basic credentials it cached for the page on its own, which must not log a page in (a
     * page of another site, allowed by --ws-origin, would act as the operator who had logged in to this server).
     */
    private static Credentials credentials(FullHttpRequest request) {
        String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        return authorization == null || request.headers().contains(HttpHeaderNames.ORIGIN) ? null
                : Credentials.parse(authorization);
    }

    /** How many WebSocket clients are connected now. */
    public int open() {
        return open.get();
    }
}
