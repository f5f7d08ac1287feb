package dev.fanout.server.websocket;

import java.util.List;

/**
 * WebSocket clients ({@code /ws}), as {@code fanout serve} is told them.
 *
 * @param maxWebSockets how many may be connected at once ({@code --max-websockets})
 * @param maxMessage    the largest message one may send, in bytes of JSON ({@code --max-ws-message}); each also
 *                      bounds what one connection holds of a message still arriving
 * @param origins       pages allowed to connect besides the server's own ({@code --ws-origin}), as
 *                      {@code https://app.example}; {@code *} allows any
 */
public record WebSocketOptions(int maxWebSockets, int maxMessage, List<String> origins) {

    /** Default clients at once: with {@link #DEFAULT_MAX_MESSAGE}, 64 MiB of messages in assembly at most. */
    public static final int DEFAULT_MAX_WEBSOCKETS = 1000;
    /** Default largest message: a chat line or a small JSON document, with room. */
    public static final int DEFAULT_MAX_MESSAGE = 64 * 1024;

    public WebSocketOptions {
        origins = List.copyOf(origins);
    }

    /** The defaults. */
    public static WebSocketOptions defaults() {
        return new WebSocketOptions(DEFAULT_MAX_WEBSOCKETS, DEFAULT_MAX_MESSAGE, List.of());
    }
}
