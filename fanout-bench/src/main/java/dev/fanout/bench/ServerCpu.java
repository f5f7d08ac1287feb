package dev.fanout.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The CPU used over a run by the server processes named with {@code --server-pid}: each, and all together (a
 * cluster's nodes and its Redis). Used by the thread that runs the bench.
 */
final class ServerCpu {

    private final List<LongSupplier> each = new ArrayList<>();
    private long[] start;

    /** For the processes {@code pids}; one that does not exist, or whose CPU time is hidden, reads as unknown. */
    ServerCpu(List<Long> pids) {
        for (long pid : pids) {
            each.add(ProcessHandle.of(pid).map(BenchRun::cpuNanos).orElse(() -> -1));
        }
    }

    /** Takes the start of the run. */
    void start() {
        start = read();
    }

    /** Each process's CPU since {@link #start()}, as % of one core over {@code wallNanos}; -1 for one unknown. */
    List<Double> percents(long wallNanos) {
        long[] end = read();
        List<Double> percents = new ArrayList<>(end.length);
        for (int i = 0; i < end.length; i++) {
            percents.add(start[i] < 0 || end[i] < 0 ? -1.0 : BenchRun.percent(end[i] - start[i], wallNanos));
        }
        return percents;
    }

    /** The sum of {@code percents}; -1 if there are none or one is unknown. */
    static double total(List<Double> percents) {
        double sum = 0;
        for (double percent : percents) {
            if (percent < 0) {
                return -1;
            }
            sum += percent;
        }
        return percents.isEmpty() ? -1 : sum;
    }

    private long[] read() {
        long[] nanos = new long[each.size()];
        for (int i = 0; i < nanos.length; i++) {
            nanos[i] = each.get(i).getAsLong();
        }
        return nanos;
    }
}
