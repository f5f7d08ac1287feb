package dev.fanout.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How a client reconnects after losing its connection: attempt {@code n} (counted from 1 since the last
 * connection that reached WELCOME) waits {@code initialWait * multiplier^(n-1)}, at most {@code maxWait}, then
 * moved at random by up to {@code jitter} of itself either way (never past {@code maxWait}), so that many
 * clients of a restarted server do not all come back at once. Immutable; checked when made.
 *
 * @param maxAttempts attempts in a row before giving up and closing the client; 0 means forever (the default)
 * @param initialWait the wait before the first attempt
 * @param maxWait     the longest wait
 * @param multiplier  how much each wait grows, at least 1
 * @param jitter      the random share of each wait, 0 to 1
 */
public record ReconnectOptions(int maxAttempts, Duration initialWait, Duration maxWait, double multiplier,
                               double jitter) {

    /** Forever, from 100 ms, doubling up to 5 s, give or take 20%. */
    public static final ReconnectOptions DEFAULTS =
            new ReconnectOptions(0, Duration.ofMillis(100), Duration.ofSeconds(5), 2.0, 0.2);

    /**
     * Checks each value and the rule between the waits.
     *
     * @throws IllegalArgumentException naming the field and the value
     * @throws NullPointerException     if a wait is null
     */
    public ReconnectOptions {
        Objects.requireNonNull(initialWait, "reconnect initialWait");
        Objects.requireNonNull(maxWait, "reconnect maxWait");
        if (maxAttempts < 0) {
            throw new IllegalArgumentException("reconnect maxAttempts (" + maxAttempts
                    + ") must be 0 (forever) or more");
        }
        if (initialWait.isNegative()) {
            throw new IllegalArgumentException("reconnect initialWait (" + initialWait.toMillis()
                    + " ms) must not be negative");
        }
        if (maxWait.compareTo(initialWait) < 0) {
            throw new IllegalArgumentException("reconnect maxWait (" + maxWait.toMillis()
                    + " ms) is shorter than initialWait (" + initialWait.toMillis() + " ms)");
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("reconnect multiplier (" + multiplier + ") must be 1 or more");
        }
        if (!(jitter >= 0.0 && jitter <= 1.0)) {
            throw new IllegalArgumentException("reconnect jitter (" + jitter + ") must be 0 to 1");
        }
    }

    /** A copy that gives up after {@code attempts} attempts in a row (0: never). */
    public ReconnectOptions withMaxAttempts(int attempts) {
        return new ReconnectOptions(attempts, initialWait, maxWait, multiplier, jitter);
    }

    /** A copy with these waits. */
    public ReconnectOptions withWaits(Duration initial, Duration max) {
        return new ReconnectOptions(maxAttempts, initial, max, multiplier, jitter);
    }

    /** A copy with this growth and randomness. */
    public ReconnectOptions withGrowth(double factor, double randomShare) {
        return new ReconnectOptions(maxAttempts, initialWait, maxWait, factor, randomShare);
    }
}
