package dev.fanout.server.http;

import dev.fanout.server.auth.Principal;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;

/**
 * One request as an endpoint sees it: its path's parts, its query, its body as text, and who asked.
 *
 * @param path  the route's pattern matched against the path: its groups are the path's parameters
 * @param query the query string's parameters
 * @param body  the body as UTF-8 text ("" without one)
 * @param who   the client's user (anonymous without credentials; everyone, on a server without an auth file)
 */
record HttpRequest(Matcher path, QueryStringDecoder query, String body, Principal who) {

    static HttpRequest of(FullHttpRequest request, Matcher path, QueryStringDecoder query, Principal who) {
        return new HttpRequest(path, query, request.content().toString(StandardCharsets.UTF_8), who);
    }

    /** The query parameter {@code name} as a whole number from {@code min} to {@code max}, or {@code otherwise}. */
    int number(String name, int otherwise, int min, int max) {
        List<String> values = query.parameters().get(name);
        if (values == null || values.isEmpty()) {
            return otherwise;
        }
        try {
            int value = Integer.parseInt(values.get(0));
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // Told below, as for a number out of range.
        }
        throw new BadRequestException("?" + name + "=" + values.get(0) + " must be a whole number from " + min
                + " to " + max);
    }
}
