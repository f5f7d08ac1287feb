package dev.fanout.source;

import dev.fanout.client.ClientTls;
import dev.fanout.server.Version;
import dev.fanout.server.session.Addresses;
import dev.fanout.server.source.SourceContext;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpContentDecompressor;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * An HTTP or HTTPS stream, as public streaming endpoints serve one: a GET whose response never ends. The body is
 * read as server-sent events (each event's data one message), NDJSON (each line one JSON value, checked) or text
 * (each line one message); blank lines are keepalives, not messages. {@code ?format=} chooses the format, or else
 * the response's content type. The id of the last event is kept and sent back as {@code Last-Event-ID} on every
 * reconnect, so the upstream can resume; its {@code retry:} sets the next wait. Redirects are followed, five in a
 * row at most, never from https to http. HTTPS (TLS 1.2 or 1.3) checks the server's certificate against the
 * JVM's trust store (or the certificates of {@code --source-ca}), and its host name. Headers and the bearer token
 * are sent to the configured origin only (not where a redirect points elsewhere), and never logged. Each
 * connection carries one request: a response that ends is a lost connection, reconnected.
 */
final class HttpUpstream implements Upstream {

    /** Redirects followed in a row before the source counts it a failure. */
    static final int MAX_REDIRECTS = 5;
    private static final JsonFactory JSON = new JsonFactory();

    private final URI configured;
    private final StreamFormat format;
    private final SourceSettings settings;
    private final ClientTls tls;
    /** Where a redirect pointed: the next attempt goes there, later ones to the configured address again. */
    private volatile URI redirectedTo;
    private volatile int redirects;
    /** The last event id the stream gave, sent back as Last-Event-ID; "" for none. */
    private volatile String lastEventId = "";

    /**
     * @param uri    the stream's address, {@code ?format=} taken out
     * @param format how to read the body, or null to follow the content type
     */
    HttpUpstream(URI uri, StreamFormat format, SourceSettings settings) {
        if (format == StreamFormat.FRAMES) {
            throw new IllegalArgumentException("http(s):// reads sse, ndjson or lines, not frames");
        }
        this.configured = uri;
        this.format = format;
        this.settings = settings;
        // Made whatever the scheme: an http:// upstream may redirect to https://.
        this.tls = tlsContext(settings);
    }

    /** TLS for HTTPS upstreams: the JVM's trust store, or the certificates {@code --source-ca} names. */
    private static ClientTls tlsContext(SourceSettings settings) {
        try {
            return settings.trustedCerts() == null ? ClientTls.systemTrust()
                    : ClientTls.trusting(settings.trustedCerts());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--source-ca " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return withoutSecrets(configured) + (format == null ? "" : " (" + format.label() + ")");
    }

    /** The address as logs show it: no user info, no query (which may carry a key). */
    static String withoutSecrets(URI uri) {
        String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return uri.getScheme() + "://" + uri.getHost() + port + path + (uri.getRawQuery() == null ? "" : "?...");
    }

    /** The last event id kept for the next connection. */
    String lastEventId() {
        return lastEventId;
    }

    @Override
    public Link open(SourceContext context, SourcePublisher publisher, LinkEvents events) {
        URI target = redirectedTo != null ? redirectedTo : configured;
        redirectedTo = null;
        boolean secure = "https".equalsIgnoreCase(target.getScheme());
        String host = target.getHost();
        int port = port(target);
        NettyLink link = new NettyLink(events, false);
        Stream stream = new Stream(context, publisher, events, link, target);
        Bootstrap bootstrap = context.connections().get()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        settings.connectTimeout().toMillis()))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(new NettyLink.Activity(events));
                        if (secure) {
                            channel.pipeline().addLast(tlsHandler(channel, host, port, link));
                        }
                        // A compressed chunk may not inflate past this: a decompression bomb is garbage.
                        int inflated = Math.max(context.maxMessage(), 1 << 20) + (64 << 10);
                        channel.pipeline().addLast(new HttpClientCodec(), new HttpContentDecompressor(inflated),
                                stream);
                    }
                });
        return link.connect(bootstrap, host, port);
    }

    private SslHandler tlsHandler(Channel channel, String host, int port, NettyLink link) {
        SslHandler handler = tls.newHandler(channel.alloc(), host, port);
        // The handler closes the connection itself when the handshake fails: keep why, for the log.
        handler.handshakeFuture().addListener(done -> {
            if (!done.isSuccess()) {
                String why = ClientTls.explain(done.cause());
                link.fail(channel, "TLS handshake failed: " + (why != null ? why : Failures.describe(done.cause())));
            }
        });
        return handler;
    }

    /** The request: a GET that says what it can read, with the last event id, the headers and the token. */
    private FullHttpRequest request(URI target) {
        String path = (target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath())
                + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery());
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
        int defaultPort = "https".equalsIgnoreCase(target.getScheme()) ? 443 : 80;
        request.headers()
                .set(HttpHeaderNames.HOST, target.getPort() < 0 || target.getPort() == defaultPort
                        ? target.getHost() : target.getHost() + ":" + target.getPort())
                .set(HttpHeaderNames.ACCEPT, accept())
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
                .set(HttpHeaderNames.ACCEPT_ENCODING, HttpHeaderValues.GZIP + ", " + HttpHeaderValues.DEFLATE)
                .set(HttpHeaderNames.USER_AGENT, "fanout/" + Version.VERSION);
        // Credentials go to the configured origin only, never to where a redirect points elsewhere (as curl).
        if (sameOrigin(target, configured)) {
            settings.headers().forEach((name, value) -> request.headers().set(name, value));
            if (settings.bearerToken() != null) {
                request.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + settings.bearerToken());
            }
        }
        if (!lastEventId.isEmpty() && format != StreamFormat.NDJSON && format != StreamFormat.LINES) {
            request.headers().set("Last-Event-ID", lastEventId);
        }
        return request;
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private String accept() {
        if (format == null) {
            return "text/event-stream, application/x-ndjson, application/jsonl;q=0.9, text/plain;q=0.5";
        }
        return switch (format) {
            case SSE -> "text/event-stream";
            case NDJSON -> "application/x-ndjson, application/jsonl, application/json;q=0.5";
            default -> "text/plain, */*;q=0.5";
        };
    }

    /** The format a response's content type names, or null if it names none of ours. */
    static StreamFormat formatOf(String contentType) {
        if (contentType == null) {
            return null;
        }
        String type = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return switch (type) {
            case "text/event-stream" -> StreamFormat.SSE;
            case "application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines",
                 "application/json-lines", "application/stream+json", "application/x-json-stream" ->
                    StreamFormat.NDJSON;
            default -> type.startsWith("text/") ? StreamFormat.LINES : null;
        };
    }

    /** One connection's exchange: sends the request, checks the response, cuts the body into messages. */
    private final class Stream extends ChannelInboundHandlerAdapter {
        private final SourceContext context;
        private final SourcePublisher publisher;
        private final LinkEvents events;
        private final NettyLink link;
        private final URI target;
        private StreamFormat reading;
        private EventStreamParser eventStream;
        private LineSplitter lines;
        private long lineNumber;

        Stream(SourceContext context, SourcePublisher publisher, LinkEvents events, NettyLink link, URI target) {
            this.context = context;
            this.publisher = publisher;
            this.events = events;
            this.link = link;
            this.target = target;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(request(target));
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpResponse response) {
                    respond(ctx, response);
                }
                if (msg instanceof HttpContent content && reading != null) {
                    body(content.content());
                    if (content instanceof LastHttpContent) {
                        link.fail(ctx.channel(), "the upstream ended the response");
                    }
                }
            } catch (Garbage e) {
                link.fail(ctx.channel(), e.getMessage());
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void respond(ChannelHandlerContext ctx, HttpResponse response) {
            int status = response.status().code();
            if (status >= 300 && status < 400 && response.headers().contains(HttpHeaderNames.LOCATION)) {
                redirect(ctx, status, response.headers().get(HttpHeaderNames.LOCATION));
                return;
            }
            if (status != 200) {
                String hint = status == 401 || status == 403 ? " (check --source-bearer-token and --source-header)"
                        : "";
                link.fail(ctx.channel(), "HTTP " + response.status() + hint);
                return;
            }
            String contentType = response.headers().get(HttpHeaderNames.CONTENT_TYPE);
            reading = format != null ? format : formatOf(contentType);
            if (reading == null) {
                link.fail(ctx.channel(), "the response's content type " + contentType + " is not a stream fanout "
                        + "reads; add ?format=sse, ndjson or lines to read it anyway");
                return;
            }
            redirects = 0;
            if (reading == StreamFormat.SSE) {
                eventStream = new EventStreamParser(new Listener(), lastEventId, context.maxMessage());
            } else {
                lines = new LineSplitter(context.maxMessage(), ctx.alloc());
            }
            events.connected(Addresses.format(ctx.channel().remoteAddress()) + " (" + reading.label()
                    + (target.equals(configured) ? "" : ", redirected to " + withoutSecrets(target)) + ")");
        }

        private void redirect(ChannelHandlerContext ctx, int status, String location) {
            if (++redirects > MAX_REDIRECTS) {
                redirects = 0;
                link.fail(ctx.channel(), "more than " + MAX_REDIRECTS + " redirects in a row");
                return;
            }
            URI to;
            try {
                to = target.resolve(location);
            } catch (IllegalArgumentException e) {
                link.fail(ctx.channel(), "redirected (HTTP " + status + ") to an address that is not valid");
                return;
            }
            String scheme = to.getScheme() == null ? "" : to.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || to.getHost() == null) {
                link.fail(ctx.channel(), "redirected (HTTP " + status + ") to " + scheme + ": not an http(s) address "
                        + "with a host");
                return;
            }
            if (scheme.equals("http") && "https".equalsIgnoreCase(target.getScheme())) {
                link.fail(ctx.channel(), "redirected (HTTP " + status + ") from https to http " + withoutSecrets(to)
                        + ": refused, it would drop TLS");
                return;
            }
            redirectedTo = to;
            // The upstream said where to go: the next attempt follows at once.
            events.retryAfter(Duration.ZERO);
            link.fail(ctx.channel(), "redirected (HTTP " + status + ") to " + withoutSecrets(to));
        }

        private void body(ByteBuf chunk) {
            if (eventStream != null) {
                eventStream.feed(chunk);
                return;
            }
            lines.feed(chunk, line -> {
                lineNumber++;
                // Blank lines are how streaming endpoints keep a quiet connection open, not messages.
                if (isBlank(line)) {
                    line.release();
                    return;
                }
                if (reading == StreamFormat.NDJSON) {
                    checkJson(line);
                }
                publisher.publish(line);
            });
        }

        private void checkJson(ByteBuf line) {
            byte[] bytes = new byte[line.readableBytes()];
            line.getBytes(line.readerIndex(), bytes);
            try (JsonParser parser = JSON.createParser(ObjectReadContext.empty(), bytes)) {
                parser.nextToken();
                parser.skipChildren();
                if (parser.nextToken() != null) {
                    throw new Garbage("line " + lineNumber + " holds more than one JSON value");
                }
            } catch (JacksonException e) {
                line.release();
                throw new Garbage("line " + lineNumber + " is not JSON: " + e.getOriginalMessage());
            } catch (Garbage e) {
                line.release();
                throw e;
            }
        }

        private boolean isBlank(ByteBuf line) {
            return line.forEachByte(b -> b == ' ' || b == '\t' || b == '\r') < 0;
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            NettyLink.Publishing.pauseIfAsked(ctx.channel(), publisher);
            ctx.fireChannelReadComplete();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (lines != null) {
                lines.release();
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            link.fail(ctx.channel(), Failures.describe(cause));
        }

        /** What the event stream says: events become messages; the id and retry are kept. */
        private final class Listener implements EventStreamParser.Listener {
            @Override
            public void event(String type, String data, String id) {
                lastEventId = id;
                publisher.publish(Unpooled.wrappedBuffer(data.getBytes(StandardCharsets.UTF_8)));
            }

            @Override
            public void lastEventId(String id) {
                lastEventId = id;
            }

            @Override
            public void retry(long millis) {
                events.retryAfter(Duration.ofMillis(millis));
            }
        }
    }


}
