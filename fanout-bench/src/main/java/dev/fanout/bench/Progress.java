package dev.fanout.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** The live progress line: sent, received and the current delivery rate, rewritten in place once a second. */
final class Progress {

    private static final long INTERVAL_NANOS = 1_000_000_000L;

    private final PrintStream out;
    private final List<Publisher> publishers;
    private final List<Tally> tallies;
    private long lastNanos = System.nanoTime();
    private long lastReceived;

    Progress(PrintStream out, List<Publisher> publishers, List<Tally> tallies) {
        this.out = out;
        this.publishers = publishers;
        this.tallies = tallies;
    }

    /** Prints a line if a second has passed, or always when {@code last}; the last line ends the row. */
    void update(boolean last) {
        if (out == null) {
            return;
        }
        long now = System.nanoTime();
        if (!last && now - lastNanos < INTERVAL_NANOS) {
            return;
        }
        long sent = publishers.stream().mapToLong(Publisher::sent).sum();
        long received = tallies.stream().mapToLong(Tally::received).sum();
        double rate = (received - lastReceived) * 1e9 / Math.max(now - lastNanos, 1);
        lastNanos = now;
        lastReceived = received;
        out.print(String.format(Locale.ROOT, "\rsent %,d  received %,d  %s msg/s      ", sent, received,
                BenchResult.human(rate)));
        if (last) {
            out.println();
        }
        out.flush();
    }
}
