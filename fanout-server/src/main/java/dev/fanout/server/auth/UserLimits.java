package dev.fanout.server.auth;

/**
 * What one user may use, beyond what it may do: each 0 leaves the server's own limit (its flag) in force.
 *
 * @param maxConnections     connections the user may hold at once, all listeners together
 * @param maxSubscriptions   subscriptions one of its connections may hold (--max-subscriptions)
 * @param publishRate        messages per second one of its connections may publish, and at once (--publish-rate)
 * @param publishBytesRate   payload bytes per second one of its connections may publish, and at once
 *                           (--publish-bytes-rate)
 */
public record UserLimits(int maxConnections, int maxSubscriptions, long publishRate, long publishBytesRate) {

    /** The server's own limits throughout. */
    public static final UserLimits SERVER = new UserLimits(0, 0, 0, 0);

    /** {@code own} if set, else the server's {@code fallback}. */
    public static long or(long own, long fallback) {
        return own > 0 ? own : fallback;
    }
}
