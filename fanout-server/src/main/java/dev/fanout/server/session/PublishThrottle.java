package dev.fanout.server.session;

/**
 * Holds one client's publishing to a rate, in messages and in payload bytes per second, with a burst of a second's
 * worth: what it published is taken from two buckets, which may go into debt; while they are, reading from the
 * client pauses, so the client is slowed, not cut, and nothing it sent is lost. Loop-confined.
 */
final class PublishThrottle {

    private final long messagesPerSecond;
    private final long bytesPerSecond;
    private double messages;
    private double bytes;
    private long refilledAt;

    /** A throttle at these rates; 0 leaves that one unlimited. */
    PublishThrottle(long messagesPerSecond, long bytesPerSecond, long now) {
        this.messagesPerSecond = messagesPerSecond;
        this.bytesPerSecond = bytesPerSecond;
        this.messages = messagesPerSecond;
        this.bytes = bytesPerSecond;
        this.refilledAt = now;
    }

    /** Whether it limits anything. */
    boolean limits() {
        return messagesPerSecond > 0 || bytesPerSecond > 0;
    }

    /**
     * Takes {@code count} messages of {@code size} payload bytes in all; returns how long reading must pause (in
     * nanoseconds) for the buckets to be out of debt again, 0 if they are not in debt.
     */
    long take(int count, long size, long now) {
        double seconds = (now - refilledAt) / 1e9;
        refilledAt = now;
        long wait = 0;
        if (messagesPerSecond > 0) {
            messages = Math.min(messagesPerSecond, messages + seconds * messagesPerSecond) - count;
            wait = Math.max(wait, debt(messages, messagesPerSecond));
        }
        if (bytesPerSecond > 0) {
            bytes = Math.min(bytesPerSecond, bytes + seconds * bytesPerSecond) - size;
            wait = Math.max(wait, debt(bytes, bytesPerSecond));
        }
        return wait;
    }

    private static long debt(double tokens, long perSecond) {
        return tokens >= 0 ? 0 : (long) Math.ceil(-tokens / perSecond * 1e9);
    }
}
