package dev.fanout.protocol;

import java.time.Duration;
import java.util.Locale;

/** Durations as people read them at a glance in logs and listings: {@code 850 ms}, {@code 1.6 s}, {@code 5 min}. */
public final class Durations {

    private Durations() {
    }

    /**
     * Formats {@code duration}: milliseconds below a second, seconds with one decimal below ten, whole seconds
     * below two minutes, whole minutes below two hours, then whole hours. Negative durations count as zero.
     */
    public static String format(Duration duration) {
        long millis = Math.max(0, duration.toMillis());
        if (millis < 1000) {
            return millis + " ms";
        }
        if (millis < 10_000) {
            return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
        }
        long seconds = millis / 1000;
        if (seconds < 120) {
            return seconds + " s";
        }
        return seconds < 7200 ? seconds / 60 + " min" : seconds / 3600 + " h";
    }
}
