package dev.fanout.server.http;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * One endpoint: a method and a path pattern (its groups are the path's parameters), who may use it, and what
 * answers it. The answer may come later (reading topics' state from Redis), on any thread.
 */
record Route(HttpMethod method, Pattern path, Access access, String summary,
             Function<HttpRequest, CompletableFuture<FullHttpResponse>> handler) {

    static Route get(String path, Access access, String summary,
                     Function<HttpRequest, CompletableFuture<FullHttpResponse>> handler) {
        return new Route(HttpMethod.GET, Pattern.compile(path), access, summary, handler);
    }

    static Route post(String path, Access access, String summary,
                      Function<HttpRequest, CompletableFuture<FullHttpResponse>> handler) {
        return new Route(HttpMethod.POST, Pattern.compile(path), access, summary, handler);
    }
}
