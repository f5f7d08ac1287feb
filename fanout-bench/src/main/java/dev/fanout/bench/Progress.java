package dev.fanout.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The live progress line: sent, received (deliveries, or acknowledgements) and the current rate, rewritten in
 * place once a second.
 */
final class Progress {

    private static final long INTERVAL_NANOS = 1_000_000_000L;

    private final PrintStream out;
    private final LongSupplier sent;
    private final LongSupplier received;
    private final String receivedLabel;
    private long lastNanos = System.nanoTime();
    private long lastReceived;

    /** Deliveries: what the publishers sent and the tallies received. */
    Progress(PrintStream out, List<Publisher> publishers, List<Tally> tallies) {
        this(out, () -> publishers.stream().mapToLong(Publisher::sent).sum(),
                () -> tallies.stream().mapToLong(Tally::received).sum(), "received");
    }

    /** Counts that {@code sent} and {@code received} read from any thread; the second is named by the label. */
    Progress(PrintStream out, LongSupplier sent, LongSupplier received, String receivedLabel) {
        this.out = out;
        this.sent = sent;
        this.received = received;
        this.receivedLabel = receivedLabel;
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
        long sentNow = sent.getAsLong();
        long receivedNow = received.getAsLong();
        double rate = (receivedNow - lastReceived) * 1e9 / Math.max(now - lastNanos, 1);
        lastNanos = now;
        lastReceived = receivedNow;
        out.print(String.format(Locale.ROOT, "\rsent %,d  %s %,d  %s msg/s      ", sentNow, receivedLabel,
                receivedNow, BenchResult.human(rate)));
        if (last) {
            out.println();
        }
        out.flush();
    }
}
