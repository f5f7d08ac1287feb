package dev.fanout.client;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * The wait before each reconnect attempt, as {@link ReconnectOptions} describes it; the server's sources wait
 * the same way. The randomness is injected, so tests can pin it. Stateless apart from that source; thread-safe
 * if the source is.
 */
public final class Backoff {

    private final ReconnectOptions options;
    private final DoubleSupplier random;

    /** {@code random} gives numbers in [0, 1). */
    public Backoff(ReconnectOptions options, DoubleSupplier random) {
        this.options = options;
        this.random = random;
    }

    /** The wait before attempt {@code attempt} (1 for the first after a loss). */
    public Duration delay(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt (" + attempt + ") must be at least 1");
        }
        double initial = options.initialWait().toNanos();
        double max = options.maxWait().toNanos();
        // Grown step by step, stopping at the cap, so that a long outage cannot overflow the power.
        double base = initial;
        for (int i = 1; i < attempt && base < max; i++) {
            base *= options.multiplier();
        }
        base = Math.min(base, max);
        double shifted = base * (1 + options.jitter() * (2 * random.getAsDouble() - 1));
        long nanos = (long) Math.max(0, Math.min(max, shifted));
        return Duration.ofNanos(nanos);
    }
}
