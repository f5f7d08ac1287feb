package dev.fanout.server.session;

/**
 * The server's rate for each client's publishing ({@code --publish-rate}, {@code --publish-bytes-rate}); 0 leaves
 * one unlimited. A user of the auth file may have rates of its own.
 *
 * @param messagesPerSecond messages per second, and at once
 * @param bytesPerSecond    payload bytes per second, and at once
 */
public record PublishLimits(long messagesPerSecond, long bytesPerSecond) {

    /** No limit: the default. */
    public static final PublishLimits NONE = new PublishLimits(0, 0);
}
