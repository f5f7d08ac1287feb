package dev.fanout.source;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * The JDK's HTTP server on a free port of 127.0.0.1, streaming as public endpoints do (chunked, one response that
 * stays open), each request on a thread of its own. Remembers every request's headers, and counts the requests
 * being answered at once.
 */
final class StreamingHttpServer implements AutoCloseable {

    /** Answers one request; returning ends the response. */
    interface Responder {
        void respond(HttpExchange exchange, int requestNumber) throws IOException, InterruptedException;
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger mostOpen = new AtomicInteger();
    private final List<com.sun.net.httpserver.Headers> requestHeaders = new CopyOnWriteArrayList<>();

    private final String scheme;

    private StreamingHttpServer(Responder responder, SSLContext tls, int port) {
        try {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            if (tls == null) {
                server = HttpServer.create(address, 50);
            } else {
                HttpsServer https = HttpsServer.create(address, 50);
                https.setHttpsConfigurator(new HttpsConfigurator(tls));
                server = https;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        scheme = tls == null ? "http" : "https";
        server.setExecutor(threads);
        server.createContext("/", exchange -> {
            int number = requests.incrementAndGet();
            requestHeaders.add(exchange.getRequestHeaders());
            mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
            try (exchange) {
                responder.respond(exchange, number);
            } catch (IOException | InterruptedException e) {
                // The source went away, or the test stopped the server.
            } finally {
                open.decrementAndGet();
            }
        });
        server.start();
    }

    static StreamingHttpServer start(Responder responder) {
        return new StreamingHttpServer(responder, null, 0);
    }

    /** An HTTP server on {@code port}, as one restarted where it was. */
    static StreamingHttpServer start(Responder responder, int port) {
        return new StreamingHttpServer(responder, null, port);
    }

    /** An HTTPS server with the key and certificate of {@code tls}. */
    static StreamingHttpServer startTls(Responder responder, SSLContext tls) {
        return new StreamingHttpServer(responder, tls, 0);
    }

    /** The address of {@code path} on this server. */
    String url(String path) {
        return scheme + "://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    int port() {
        return server.getAddress().getPort();
    }

    int requests() {
        return requests.get();
    }

    int mostOpen() {
        return mostOpen.get();
    }

    /** The headers of request {@code number}, counted from 1. */
    com.sun.net.httpserver.Headers headers(int number) {
        return requestHeaders.get(number - 1);
    }

    /** Starts a streamed (chunked) 200 response of {@code contentType}. */
    static OutputStream stream(HttpExchange exchange, String contentType) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(200, 0);
        return exchange.getResponseBody();
    }

    /** Writes {@code text} and pushes it out at once. */
    static void send(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /**
     * Keeps a response open until the source goes away, writing {@code keepalive} now and then to notice it (an
     * SSE comment, a blank line), as public streams do.
     */
    static void holdOpen(OutputStream out, String keepalive) throws IOException, InterruptedException {
        while (true) {
            Thread.sleep(100);
            send(out, keepalive);
        }
    }

    /** Keeps an event stream open, with a comment now and then. */
    static void holdOpen(OutputStream out) throws IOException, InterruptedException {
        holdOpen(out, ":\n");
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
