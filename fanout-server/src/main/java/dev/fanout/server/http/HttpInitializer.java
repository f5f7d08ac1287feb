package dev.fanout.server.http;

import dev.fanout.server.FanoutServer;
import dev.fanout.server.auth.Authenticator;
import dev.fanout.server.metrics.ServerMetrics;
import dev.fanout.server.session.CloseReason;
import dev.fanout.server.session.ConnectionLimiter;
import dev.fanout.server.session.RefusalLog;
import dev.fanout.server.session.SessionStats;
import dev.fanout.server.tls.ServerTls;
import dev.fanout.server.tls.TlsGate;
import dev.fanout.server.websocket.WebSocketUpgrade;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * Builds the pipeline of each HTTP connection. Connections count against the same limits as the other listeners'
 * (a refused one is answered 503); requests are bounded in size; a connection quiet for the idle time (between
 * requests, or in the middle of one) is closed. Shared by all connections.
 */
public final class HttpInitializer extends ChannelInitializer<Channel> {

    /** The longest request line (method, path and query): ample for every endpoint's parameters. */
    static final int MAX_REQUEST_LINE = 4096;
    /** The most header bytes of one request. */
    static final int MAX_HEADERS = 8192;
    /** The largest request body: the operator's text ({@link AdminApi#MAX_TEXT} characters of UTF-8). */
    static final int MAX_BODY = 16 * 1024;
    /** How long a refused connection's request is read and dropped before it closes. */
    static final Duration REFUSAL_LINGER = Duration.ofSeconds(1);
    /** A connection with no request under way is closed after this long: keep-alive, not kept forever. */
    static final Duration IDLE = Duration.ofSeconds(60);

    private final ConnectionLimiter limiter;
    private final ServerTls tls;
    private final List<Route> routes;
    private final Authenticator auth;
    private final boolean loopbackOnly;
    private final SessionStats stats;
    private final Duration requestTimeout;
    private final int maxConnections;
    private final WebSocketUpgrade webSockets;
    private final AtomicInteger connections = new AtomicInteger();
    private final RefusalLog refusals = new RefusalLog(LoggerFactory.getLogger(HttpInitializer.class));

    /**
     * @param tls          the TLS clients speak first, or null for plaintext
     * @param auth         checks credentials, or null: anyone may do anything
     * @param loopbackOnly whether the listener binds loopback only (see {@link HttpRouter})
     * @param requestTimeout how long a request may take from its first byte to its answer ({@code
     *                       --handshake-timeout})
     * @param webSockets     makes {@code GET /ws} a WebSocket session
     */
    public HttpInitializer(FanoutServer server, ServerMetrics metrics, Supplier<Map<String, String>> listeners,
                           ConnectionLimiter limiter, ServerTls tls, Authenticator auth, boolean loopbackOnly,
                           Duration requestTimeout, WebSocketUpgrade webSockets) {
        this.webSockets = webSockets;
        this.limiter = limiter;
        this.tls = tls;
        this.routes = new AdminApi(server, metrics, listeners).routes();
        this.auth = auth;
        this.loopbackOnly = loopbackOnly;
        this.stats = server.sessionStats();
        this.requestTimeout = requestTimeout;
        this.maxConnections = server.options().http().maxConnections();
    }

    @Override
    protected void initChannel(Channel channel) {
        TlsGate gate = tls == null ? null : tls.secure(channel, "http");
        if (!limiter.admit(channel, why -> HttpResponses.refusal(channel.alloc(), why))) {
            TlsGate.limited(gate, channel);
            return;
        }
        if (connections.incrementAndGet() > maxConnections) {
            connections.decrementAndGet();
            stats.countClose(CloseReason.HTTP_FULL);
            String why = "too many HTTP connections (" + maxConnections + ", --max-http-connections); try again later";
            refusals.refused(channel.remoteAddress(), why);
            refuse(channel, gate, why);
            return;
        }
        // Given back when the connection closes, or when it becomes a WebSocket, whichever is first.
        AtomicBoolean held = new AtomicBoolean(true);
        Runnable leave = () -> {
            if (held.compareAndSet(true, false)) {
                connections.decrementAndGet();
            }
        };
        channel.closeFuture().addListener(closed -> leave.run());
        TlsGate.install(gate, channel.pipeline(), pipeline -> addHandlers(pipeline, leave));
    }

    /**
     * Answers 503 at once. Over TLS the answer waits for the handshake and goes encrypted, as the limiter's do. In
     * plaintext the connection is half-closed and what the client sends meanwhile (its request) is read and dropped
     * for a moment before it closes: closed with a request unread, the kernel would reset it, and the client might
     * lose the answer.
     */
    private static void refuse(Channel channel, TlsGate gate, String why) {
        if (gate != null) {
            channel.writeAndFlush(HttpResponses.refusal(channel.alloc(), why)).addListener(ChannelFutureListener.CLOSE);
            TlsGate.limited(gate, channel);
            return;
        }
        channel.writeAndFlush(HttpResponses.refusal(channel.alloc(), why)).addListener(written -> {
            if (channel instanceof DuplexChannel duplex) {
                duplex.shutdownOutput();
            }
        });
        channel.eventLoop().schedule(() -> channel.close(), REFUSAL_LINGER.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void addHandlers(ChannelPipeline pipeline, Runnable leaveHttp) {
        pipeline
                // 0. a request must be answered within the deadline of its first byte, however slowly it comes
                .addLast("deadline", new RequestDeadline(requestTimeout.toMillis()))
                // 1. a connection quiet this long is closed (the router hears of it)
                .addLast("idle", new IdleStateHandler(0, 0, IDLE.toMillis(), TimeUnit.MILLISECONDS))
                // 2. bytes to requests and responses to bytes, each part bounded
                .addLast("codec", new HttpServerCodec(MAX_REQUEST_LINE, MAX_HEADERS, MAX_BODY))
                // 3. Connection: keep-alive or close, as the request asks
                .addLast("keepAlive", new HttpServerKeepAliveHandler())
                // 4. whole requests, their body bounded (a larger one is answered 413 and closed)
                .addLast("aggregator", new HttpObjectAggregator(MAX_BODY, true))
                // 5. the endpoints
                .addLast("router", new HttpRouter(routes, auth, stats, loopbackOnly, webSockets, leaveHttp));
    }
}
