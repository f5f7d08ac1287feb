package dev.fanout.server.session;

import java.time.Duration;

/**
 * Bounds of one session's outbound queue.
 *
 * @param maxBytes    bytes queued for the client, counting what the connection still holds
 * @param maxMessages messages waiting to be handed to the connection
 * @param policy      what to do when either bound is hit
 * @param softBytes   under {@code disconnect}, bytes queued for longer than {@code softTime} after which the client
 *                    is cut though under the hard bound (as Redis's soft output-buffer limit); 0 turns this off
 * @param softTime    how long the queue may stay over {@code softBytes}
 */
public record QueueLimits(long maxBytes, int maxMessages, SlowConsumerPolicy policy, long softBytes,
                          Duration softTime) {

    /** Default soft bound: 2 MiB, a quarter of the default queue. */
    public static final long DEFAULT_SOFT_BYTES = 2L * 1024 * 1024;
    /** Default time over the soft bound: 30 s, long past any burst a reader that keeps up on average takes. */
    public static final Duration DEFAULT_SOFT_TIME = Duration.ofSeconds(30);

    /** Bounds without a soft limit. */
    public QueueLimits(long maxBytes, int maxMessages, SlowConsumerPolicy policy) {
        this(maxBytes, maxMessages, policy, 0, Duration.ZERO);
    }

    /** Whether the soft limit applies: set, and the policy disconnects. */
    public boolean hasSoftLimit() {
        return softBytes > 0 && policy == SlowConsumerPolicy.DISCONNECT;
    }

    /** Default bytes queued per client: 8 MiB, NATS's order of magnitude for a pending buffer. */
    public static final long DEFAULT_MAX_BYTES = 8L * 1024 * 1024;

    /**
     * Default messages queued per client: 256 Ki. Each queued message costs a small object besides its bytes,
     * so tiny messages need a count bound as well as the byte bound.
     */
    public static final int DEFAULT_MAX_MESSAGES = 256 * 1024;
}
