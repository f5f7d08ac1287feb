package dev.fanout.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import tools.jackson.databind.json.JsonMapper;

/** The responses the HTTP listener sends: JSON, text, and errors that say what to do next. */
final class HttpResponses {

    /** Shared: thread-safe once made. */
    static final JsonMapper JSON = JsonMapper.builder().build();

    private HttpResponses() {
    }

    /** {@code body} as JSON with {@code status}. */
    static FullHttpResponse json(HttpResponseStatus status, Object body) {
        return response(status, "application/json", Unpooled.wrappedBuffer(JSON.writeValueAsBytes(body)));
    }

    /** {@code text} as UTF-8 text with {@code status}. */
    static FullHttpResponse text(HttpResponseStatus status, String text) {
        return response(status, "text/plain; charset=utf-8",
                Unpooled.wrappedBuffer((text + "\n").getBytes(StandardCharsets.UTF_8)));
    }

    /** An error: {@code {"error": message}} with {@code status}. */
    static FullHttpResponse error(HttpResponseStatus status, String message) {
        return json(status, new ErrorBody(message));
    }

    static FullHttpResponse response(HttpResponseStatus status, String contentType, ByteBuf body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
                .set("X-Content-Type-Options", "nosniff");
        return response;
    }

    /**
     * A whole 503 response as bytes, for a connection refused before its pipeline has an HTTP codec (the server is
     * full): it is sent ahead of the request, which HTTP clients read as the answer to it.
     */
    static ByteBuf refusal(ByteBufAllocator alloc, String why) {
        byte[] body = ("{\"error\":" + JSON.writeValueAsString(why) + "}\n").getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length + "\r\nConnection: close\r\nRetry-After: 1\r\n\r\n";
        ByteBuf out = alloc.buffer(head.length() + body.length);
        out.writeCharSequence(head, StandardCharsets.US_ASCII);
        out.writeBytes(body);
        return out;
    }

    /** The body of every error response. */
    record ErrorBody(String error) {
    }
}
