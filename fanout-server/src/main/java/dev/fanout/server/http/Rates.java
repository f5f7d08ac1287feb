package dev.fanout.server.http;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Per-second rates of counters that only grow (a topic's messages, the server's), for {@code /stats}: each asked
 * for at least a second after the last sample is measured anew over the time since; asked sooner, the last figure
 * stands, so that several dashboards polling at once see one rate, not noise. Holds one sample per counter it is
 * asked for, and forgets those not asked for in a round (topics that went). Thread-safe.
 */
final class Rates {

    private static final long WINDOW_NANOS = 1_000_000_000L;

    private record Sample(long count, long nanos, double perSecond) {
    }

    private final Map<String, Sample> samples = new HashMap<>();

    /** The rate of the counter {@code key}, now at {@code count}; 0 at its first sample. */
    synchronized double perSecond(String key, long count, long nowNanos) {
        Sample last = samples.get(key);
        if (last == null) {
            samples.put(key, new Sample(count, nowNanos, 0));
            return 0;
        }
        long elapsed = nowNanos - last.nanos();
        if (elapsed < WINDOW_NANOS) {
            return last.perSecond();
        }
        // To a tenth: more would be noise.
        double rate = Math.round(Math.max(0, count - last.count()) * 1e10 / elapsed) / 10.0;
        samples.put(key, new Sample(count, nowNanos, rate));
        return rate;
    }

    /** Forgets every counter but {@code keep} (and the server's, whose keys start with a slash). */
    synchronized void retain(Set<String> keep) {
        samples.keySet().removeIf(key -> !key.startsWith("/") && !keep.contains(key));
    }
}
