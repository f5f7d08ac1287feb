package dev.fanout.server.http;

import dev.fanout.protocol.Causes;
import dev.fanout.server.auth.Authenticator;
import dev.fanout.server.auth.LoginRefusedException;
import dev.fanout.server.auth.Principal;
import dev.fanout.server.session.SessionStats;
import dev.fanout.server.websocket.WebSocketUpgrade;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one HTTP connection's requests, in order: finds the route, works out who asks (a bearer token or basic
 * credentials, checked as logins are; anonymous without), checks that they may, and writes what the route answers.
 * Requests a client sends before the answer to the previous one wait (a few at most; reading pauses meanwhile), so
 * answers never pass each other. One per connection.
 */
final class HttpRouter extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(HttpRouter.class);
    /**
     * Requests a client may send ahead of their answers (HTTP pipelining); past that it is closed. Few: each may hold
     * a whole request (28 KiB), and clients that pipeline are rare.
     */
    static final int MAX_WAITING = 2;

    private final List<Route> routes;
    private final Authenticator auth;
    private final SessionStats stats;
    private final boolean loopbackOnly;
    private final WebSocketUpgrade webSockets;
    private final Runnable leaveHttp;
    private final ArrayDeque<FullHttpRequest> waiting = new ArrayDeque<>();
    private boolean busy;

    /**
     * @param auth         checks credentials; null on a server without an auth file, where anyone may do anything
     * @param loopbackOnly whether the listener binds loopback addresses only: without an auth file, operator actions
     *                     are allowed only then, when nobody from another machine can reach them
     * @param webSockets   makes {@code GET /ws} a WebSocket session
     * @param leaveHttp    gives the connection's place among the HTTP connections back, once it is a WebSocket
     */
    HttpRouter(List<Route> routes, Authenticator auth, SessionStats stats, boolean loopbackOnly,
               WebSocketUpgrade webSockets, Runnable leaveHttp) {
        this.webSockets = webSockets;
        this.leaveHttp = leaveHttp;
        this.routes = routes;
        this.auth = auth;
        this.stats = stats;
        this.loopbackOnly = loopbackOnly;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (busy) {
            if (waiting.size() >= MAX_WAITING) {
                request.release();
                ctx.close();
                return;
            }
            waiting.add(request);
            ctx.channel().config().setAutoRead(false);
            return;
        }
        handle(ctx, request);
    }

    private void handle(ChannelHandlerContext ctx, FullHttpRequest request) {
        QueryStringDecoder query = null;
        FullHttpResponse refusal = null;
        if (request.decoderResult().isSuccess()) {
            try {
                query = new QueryStringDecoder(request.uri());
                // Both decode lazily: a bad escape (GET /%zz) is found here, not in an endpoint.
                query.path();
                query.parameters();
            } catch (IllegalArgumentException e) {
                refusal = HttpResponses.error(HttpResponseStatus.BAD_REQUEST, "the path or query is not valid URL "
                        + "encoding (" + e.getMessage() + ")");
            }
            if (refusal == null && !hostAllowed(request)) {
                refusal = HttpResponses.error(HttpResponseStatus.FORBIDDEN, "the Host "
                        + request.headers().get(HttpHeaderNames.HOST) + " is not this server's: a server on loopback "
                        + "without --auth answers to localhost and loopback addresses only");
            }
        }
        if (refusal != null) {
            busy = true;
            try {
                write(ctx, request, refusal);
            } finally {
                request.release();
            }
            return;
        }
        if (query != null && request.method().equals(HttpMethod.GET) && query.path().equals(WebSocketUpgrade.PATH)) {
            upgrade(ctx, request);
            return;
        }
        busy = true;
        CompletableFuture<FullHttpResponse> answer;
        try {
            answer = answer(ctx, request, query);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete((response, failure) -> ctx.executor().execute(() -> {
            try {
                write(ctx, request, response != null ? response : failed(request, failure));
            } finally {
                request.release();
            }
        }));
    }

    /**
     * Whether the request names this server as its Host. Checked where the server trusts whoever reaches it (on
     * loopback, without an auth file): there a web page whose own name an attacker points at 127.0.0.1 (DNS
     * rebinding) would otherwise be "same origin" with the server, in the browser of the operator who opens it.
     */
    private boolean hostAllowed(FullHttpRequest request) {
        if (!loopbackOnly || auth != null) {
            return true;
        }
        String host = request.headers().get(HttpHeaderNames.HOST);
        if (host == null) {
            // HTTP/1.0 programs may leave it out; browsers never do.
            return true;
        }
        String name = host.startsWith("[") ? host.substring(1, Math.max(1, host.indexOf(']')))
                : host.indexOf(':') == host.lastIndexOf(':') && host.indexOf(':') >= 0
                ? host.substring(0, host.indexOf(':')) : host;
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        if (lower.equals("localhost") || lower.endsWith(".localhost")) {
            return true;
        }
        byte[] address = io.netty.util.NetUtil.createByteArrayFromIpAddressString(name);
        try {
            return address != null && java.net.InetAddress.getByAddress(address).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private CompletableFuture<FullHttpResponse> answer(ChannelHandlerContext ctx, FullHttpRequest request,
                                                       QueryStringDecoder query) {
        if (!request.decoderResult().isSuccess()) {
            Throwable cause = request.decoderResult().cause();
            HttpResponseStatus status = cause instanceof TooLongHttpLineException
                    ? HttpResponseStatus.REQUEST_URI_TOO_LONG : cause instanceof TooLongHttpHeaderException
                    ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE : HttpResponseStatus.BAD_REQUEST;
            return done(HttpResponses.error(status, "not a request this server can read (" + cause.getMessage()
                    + ")"));
        }
        Route route = null;
        Matcher matched = null;
        boolean pathKnown = false;
        for (Route candidate : routes) {
            Matcher matcher = candidate.path().matcher(query.path());
            if (matcher.matches()) {
                pathKnown = true;
                if (candidate.method().equals(request.method()) || candidate.method().equals(HttpMethod.GET)
                        && request.method().equals(HttpMethod.HEAD)) {
                    route = candidate;
                    matched = matcher;
                    break;
                }
            }
        }
        if (route == null) {
            return done(pathKnown ? notAllowed(query.path()) : HttpResponses.error(HttpResponseStatus.NOT_FOUND,
                    "no such endpoint: " + query.path() + "; there are " + endpoints()));
        }
        if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD)
                && crossSite(request)) {
            return done(HttpResponses.error(HttpResponseStatus.FORBIDDEN, "refused: a web page from another site "
                    + "(Origin " + request.headers().get(HttpHeaderNames.ORIGIN) + ") may not act on this server"));
        }
        Route chosen = route;
        Matcher path = matched;
        return who(ctx, request, chosen).thenCompose(who -> {
            if (!chosen.access().allows(who)) {
                return done(refusal(chosen, who));
            }
            return chosen.handler().apply(HttpRequest.of(request, path, query, who));
        });
    }

    /**
     * {@code GET /ws}: a WebSocket session takes the connection over, or the request is answered as any refusal
     * (400 not an upgrade, 403 from another site's page, 503 too many). Who the client is comes with its hello.
     */
    private void upgrade(ChannelHandlerContext ctx, FullHttpRequest request) {
        String refusal = webSockets.refusal(request);
        if (refusal != null) {
            busy = true;
            boolean upgradeAsked = request.headers().contains(HttpHeaderNames.UPGRADE);
            write(ctx, request, HttpResponses.error(upgradeAsked ? HttpResponseStatus.FORBIDDEN
                    : HttpResponseStatus.BAD_REQUEST, refusal));
            request.release();
            return;
        }
        try {
            boolean upgraded = webSockets.upgrade(ctx.channel(), request, () -> {
                ChannelPipeline pipeline = ctx.pipeline();
                for (String name : List.of("deadline", "idle", "keepAlive")) {
                    if (pipeline.get(name) != null) {
                        pipeline.remove(name);
                    }
                }
                waiting.forEach(ReferenceCountUtil::release);
                waiting.clear();
                pipeline.remove(this);
                leaveHttp.run();
                // Reading may have paused for a request sent ahead of the upgrade: the WebSocket reads on.
                ctx.channel().config().setAutoRead(true);
            });
            if (!upgraded) {
                busy = true;
                write(ctx, request, HttpResponses.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "too many WebSocket "
                        + "clients (--max-websockets); try again later"));
            }
        } finally {
            request.release();
        }
    }

    /** Who asks: from the request's credentials, checked off the loop, or anonymous without any. */
    private CompletableFuture<Principal> who(ChannelHandlerContext ctx, FullHttpRequest request, Route route) {
        if (auth == null) {
            if (route.access() == Access.OPERATOR && !loopbackOnly) {
                throw new ForbiddenException("operator actions over HTTP need an auth file on a server that listens "
                        + "beyond loopback: start it with --auth and give a user operator = true (docs/security.md)");
            }
            return CompletableFuture.completedFuture(Principal.OPEN);
        }
        String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (header == null) {
            return CompletableFuture.completedFuture(auth.anonymous());
        }
        InetSocketAddress from = (InetSocketAddress) ctx.channel().remoteAddress();
        String what = "HTTP " + request.method() + " " + route.summary();
        Credentials credentials;
        try {
            credentials = Credentials.parse(header);
        } catch (UnauthorizedException unreadable) {
            refused(from, null, unreadable.getMessage(), what);
            throw unreadable;
        }
        if (ctx.pipeline().get(SslHandler.class) == null && !from.getAddress().isLoopbackAddress()) {
            refused(from, credentials.user(), "credentials over plaintext from another machine", what);
            throw new UnauthorizedException("credentials over a plaintext connection from another machine are "
                    + "refused, as they crossed the network in clear; use https (the server's --tls-cert)");
        }
        return auth.login(from.getAddress(), credentials.user(), credentials.password(), credentials.token())
                .exceptionallyCompose(failure -> {
                    String why = LoginRefusedException.why(Causes.unwrapped(failure));
                    refused(from, credentials.user(), why, what);
                    return CompletableFuture.failedFuture(new UnauthorizedException("not logged in: " + why));
                });
    }

    /** Counts and logs (rate-limited) a refused login, as the other listeners do. */
    private void refused(InetSocketAddress from, String user, String why, String what) {
        stats.countRefusedLogin();
        auth.logRefusal(from, user, why, what);
    }

    private FullHttpResponse refusal(Route route, Principal who) {
        if (who.anonymous()) {
            return challenge(HttpResponses.error(HttpResponseStatus.UNAUTHORIZED, "log in: give a token "
                    + "(Authorization: Bearer TOKEN) or a user and password (basic auth) of a user with "
                    + route.access().permission() + " in the auth file"));
        }
        return HttpResponses.error(HttpResponseStatus.FORBIDDEN, "user " + who.name() + " may not use "
                + route.summary() + ": that takes " + route.access().permission() + " in the auth file");
    }

    private static FullHttpResponse challenge(FullHttpResponse response) {
        response.headers().add(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"fanout\", charset=\"UTF-8\"")
                .add(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"fanout\"");
        return response;
    }

    /** What a failed answer tells the client: the request's fault in words, or a server error logged here. */
    private static FullHttpResponse failed(FullHttpRequest request, Throwable failure) {
        Throwable cause = Causes.unwrapped(failure);
        if (cause instanceof BadRequestException bad) {
            return HttpResponses.error(bad.notFound() ? HttpResponseStatus.NOT_FOUND : HttpResponseStatus.BAD_REQUEST,
                    bad.getMessage());
        }
        if (cause instanceof UnauthorizedException refused) {
            return challenge(HttpResponses.error(HttpResponseStatus.UNAUTHORIZED, refused.getMessage()));
        }
        if (cause instanceof ForbiddenException forbidden) {
            return HttpResponses.error(HttpResponseStatus.FORBIDDEN, forbidden.getMessage());
        }
        log.warn("{} {}: unexpected error", request.method(), request.uri(), cause);
        return HttpResponses.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "server error (" + cause.getClass()
                .getSimpleName() + "); the server's log has the details");
    }

    private void write(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response) {
        boolean keepAlive = HttpUtil.isKeepAlive(request) && request.decoderResult().isSuccess();
        if (request.method().equals(HttpMethod.HEAD)) {
            response.content().clear();
        }
        HttpUtil.setKeepAlive(response, keepAlive);
        if (!keepAlive) {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.writeAndFlush(response);
        busy = false;
        if (!ctx.channel().isWritable()) {
            // A client that sends and does not read: its answers wait in the connection; take nothing more until
            // it has read them (channelWritabilityChanged goes on).
            ctx.channel().config().setAutoRead(false);
            return;
        }
        next(ctx);
    }

    /** Answers the next waiting request, or reads on. */
    private void next(ChannelHandlerContext ctx) {
        FullHttpRequest next = waiting.poll();
        if (next != null) {
            handle(ctx, next);
        } else {
            RequestDeadline deadline = ctx.pipeline().get(RequestDeadline.class);
            if (deadline != null) {
                deadline.answered();
            }
            ctx.channel().config().setAutoRead(true);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && !busy) {
            next(ctx);
        }
        ctx.fireChannelWritabilityChanged();
    }

    /**
     * Whether a browser sent this from a page of another site: its Origin names another host than the request's
     * Host. A page elsewhere must not drive a server that trusts loopback; programs (curl) send no Origin.
     */
    private static boolean crossSite(FullHttpRequest request) {
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        if (origin == null) {
            return false;
        }
        String host = request.headers().get(HttpHeaderNames.HOST);
        try {
            URI uri = new URI(origin);
            return host == null || uri.getRawAuthority() == null || !uri.getRawAuthority().equalsIgnoreCase(host);
        } catch (java.net.URISyntaxException e) {
            return true;
        }
    }

    private FullHttpResponse notAllowed(String path) {
        String allow = routes.stream().filter(r -> r.path().matcher(path).matches())
                .map(r -> r.method().equals(HttpMethod.GET) ? "GET, HEAD" : r.method().name()).distinct()
                .collect(Collectors.joining(", "));
        FullHttpResponse response = HttpResponses.error(HttpResponseStatus.METHOD_NOT_ALLOWED, path + " takes "
                + allow);
        response.headers().set(HttpHeaderNames.ALLOW, allow);
        return response;
    }

    private String endpoints() {
        return routes.stream().map(r -> r.method() + " " + r.summary()).collect(Collectors.joining(", "))
                + ", GET " + WebSocketUpgrade.PATH + " (WebSocket)";
    }

    private static CompletableFuture<FullHttpResponse> done(FullHttpResponse response) {
        return CompletableFuture.completedFuture(response);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent) {
            // Quiet for the whole idle timeout: an idle keep-alive connection, or a request that never finished.
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        waiting.forEach(ReferenceCountUtil::release);
        waiting.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof IOException)) {
            log.warn("HTTP connection {}: unexpected error", ctx.channel().remoteAddress(), cause);
        }
        ctx.close();
    }

    /** Credentials that cannot be taken (over plaintext from afar, or refused): answered 401. */
    static final class UnauthorizedException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        UnauthorizedException(String message) {
            super(message);
        }
    }

    /** A request nobody may make here as things are: answered 403. */
    static final class ForbiddenException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ForbiddenException(String message) {
            super(message, null, false, false);
        }
    }
}
