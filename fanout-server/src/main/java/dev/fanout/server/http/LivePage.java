package dev.fanout.server.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The live page at {@code /} and its script and style, served from the jar (no other site is asked for anything):
 * it reads {@code /stats} once a second and talks over {@code /ws}. Its content security policy lets it load
 * nothing from elsewhere and be framed by nobody.
 */
final class LivePage {

    private static final String POLICY = "default-src 'self'; connect-src 'self'; img-src 'self' data:; "
            + "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
    private static final Map<String, String> TYPES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "style.css", "text/css; charset=utf-8");

    private final Map<String, byte[]> files;

    LivePage() {
        this.files = Map.of("index.html", read("index.html"), "app.js", read("app.js"), "style.css",
                read("style.css"));
    }

    /** The file {@code name} (index.html, app.js or style.css) as a response. */
    FullHttpResponse file(String name) {
        FullHttpResponse response = HttpResponses.response(HttpResponseStatus.OK, TYPES.get(name),
                Unpooled.wrappedBuffer(files.get(name)));
        response.headers().set("Content-Security-Policy", POLICY).set("X-Frame-Options", "DENY")
                .set("Referrer-Policy", "no-referrer");
        return response;
    }

    private static byte[] read(String name) {
        try (InputStream in = LivePage.class.getResourceAsStream("page/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the live page's " + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
