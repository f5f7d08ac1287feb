package dev.fanout.store;

import java.time.Duration;

/**
 * Bounds of what history holds.
 *
 * @param maxMessages messages kept per topic; 0 keeps none (numbering still goes on)
 * @param maxBytes    bytes kept per topic, each message counted with its overhead
 * @param totalBytes  bytes kept by all topics together
 * @param maxAge      how long a message is kept; {@link Duration#ZERO} keeps messages whatever their age
 */
public record HistoryLimits(int maxMessages, long maxBytes, long totalBytes, Duration maxAge) {

    /**
     * Default messages kept per topic: 1,000, a few seconds of a busy stream and hours of a chat room; what a
     * client that dropped for a moment needs to resume, at 1 KiB messages a megabyte.
     */
    public static final int DEFAULT_MAX_MESSAGES = 1_000;

    /** Default bytes kept per topic: 1 MiB, so that large messages cannot make a topic's thousand costly. */
    public static final long DEFAULT_MAX_BYTES = 1024L * 1024;

    /** The most {@link #defaultTotalBytes()} gives: 512 MiB of history, all topics. */
    public static final long MAX_DEFAULT_TOTAL_BYTES = 512L * 1024 * 1024;

    public HistoryLimits {
        if (maxMessages < 0 || maxBytes < 0 || totalBytes < 0 || maxAge.isNegative()) {
            throw new IllegalArgumentException("history limits must not be negative: " + maxMessages + " messages, "
                    + maxBytes + " bytes, " + totalBytes + " total bytes, " + maxAge);
        }
    }

    /** Limits that keep messages whatever their age. */
    public HistoryLimits(int maxMessages, long maxBytes, long totalBytes) {
        this(maxMessages, maxBytes, totalBytes, Duration.ZERO);
    }

    /** Whether messages are let go by age. */
    public boolean expires() {
        return !maxAge.isZero();
    }

    /**
     * Default bytes kept by all topics together: an eighth of the JVM's maximum heap, at most 512 MiB. Payloads
     * live in direct memory, whose default maximum is the heap's, and their objects on the heap.
     */
    public static long defaultTotalBytes() {
        return Math.min(MAX_DEFAULT_TOTAL_BYTES, Runtime.getRuntime().maxMemory() / 8);
    }

    /** The defaults. */
    public static HistoryLimits defaults() {
        return new HistoryLimits(DEFAULT_MAX_MESSAGES, DEFAULT_MAX_BYTES, defaultTotalBytes());
    }
}
