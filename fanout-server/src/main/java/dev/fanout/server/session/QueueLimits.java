package dev.fanout.server.session;

/**
 * Bounds of one session's outbound queue.
 *
 * @param maxBytes    bytes queued for the client, counting what the connection still holds
 * @param maxMessages messages waiting to be handed to the connection
 * @param policy      what to do when either bound is hit
 */
public record QueueLimits(long maxBytes, int maxMessages, SlowConsumerPolicy policy) {

    /** Default bytes queued per client: 8 MiB, NATS's order of magnitude for a pending buffer. */
    public static final long DEFAULT_MAX_BYTES = 8L * 1024 * 1024;

    /**
     * Default messages queued per client: 256 Ki. Each queued message costs a small object besides its bytes,
     * so tiny messages need a count bound as well as the byte bound.
     */
    public static final int DEFAULT_MAX_MESSAGES = 256 * 1024;
}
