package dev.fanout.bench;

import java.util.List;
import java.util.Locale;

/**
 * What one run measured. Deliveries count one message reaching one subscriber; the rate is deliveries per
 * second of the run, from the first send to the last receipt. In the {@link Shape#ACKED} shape, the
 * acknowledgements take the deliveries' place: {@code expected} counts the publishes, {@code received} their
 * acknowledgements, {@code lost} those never acknowledged, {@code outOfOrder} acknowledgements that came before an
 * earlier publish's (which fanout's protocol allows, so they leave a run clean), the rate is acknowledged publishes
 * per second and the latency runs from a publish's send to its acknowledgement's arrival.
 *
 * @param options           what was run
 * @param sent              messages published, all publishers
 * @param expected          deliveries that should have happened: sent x subscribers
 * @param received          deliveries that happened
 * @param lost              deliveries that never happened (gaps and missing tails)
 * @param outOfOrder        deliveries that came out of order or twice
 * @param seconds           the run's length
 * @param latency           latency percentiles in microseconds: p50, p90, p99, p99.9, max
 * @param timed             deliveries whose latency was recorded (all but the warm-up's)
 * @param benchCpuPercent   the bench's own CPU use over the run, percent of one core
 * @param serverCpuPercent  the server's, or -1 when its process id was not given; with several process ids, all
 *                          of theirs together
 * @param serverCpuPercents each server process's, in the order of {@link BenchOptions#serverPids()}; -1 for one
 *                          whose CPU time could not be read
 * @param nodes             the deliveries per server the subscribers were connected to, in the order of
 *                          {@link Placement#subscribeTo()}; empty in the acked shape
 */
public record BenchResult(BenchOptions options, long sent, long expected, long received, long lost,
                          long outOfOrder, double seconds, double[] latency, long timed, double benchCpuPercent,
                          double serverCpuPercent, List<Double> serverCpuPercents, List<NodeDeliveries> nodes) {

    /** Copies the lists. */
    public BenchResult {
        serverCpuPercents = List.copyOf(serverCpuPercents);
        nodes = List.copyOf(nodes);
    }

    /** Deliveries per second. */
    public double deliveredPerSecond() {
        return seconds <= 0 ? 0 : received / seconds;
    }

    /** True when every expected delivery happened, once and in order; in the acked shape, every acknowledgement. */
    public boolean clean() {
        return lost == 0 && (outOfOrder == 0 || acked()) && received == expected;
    }

    /** True for the acked shape, whose figures count acknowledgements rather than deliveries. */
    private boolean acked() {
        return options.shape() == Shape.ACKED;
    }

    /** A human summary, a few aligned lines. */
    public String table() {
        return acked() ? ackedTable() : deliveryTable();
    }

    private String deliveryTable() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "target      %s %s%n", options.target().label(),
                options.placement().describe()));
        out.append(String.format(Locale.ROOT, "shape       %s: %d publisher(s) -> %d subscriber(s), %d-byte "
                + "messages, %s%n", options.shape().label(), options.publishers(), options.subscribers(),
                options.size(), options.rate() == 0 ? "as fast as possible" : options.rate() + " msg/s each"));
        out.append(String.format(Locale.ROOT, "delivered   %,d of %,d in %.2f s = %s msg/s%n", received, expected,
                seconds, human(deliveredPerSecond())));
        out.append(String.format(Locale.ROOT, "checks      lost %,d, out of order or repeated %,d%s%n", lost,
                outOfOrder, clean() ? " (clean)" : " (NOT CLEAN)"));
        if (options.placement().spread()) {
            for (NodeDeliveries node : nodes) {
                out.append(String.format(Locale.ROOT, "on %-21s %d subscriber(s): delivered %,d of %,d, lost %,d, "
                        + "out of order or repeated %,d%n", node.address(), node.subscribers(), node.received(),
                        node.expected(), node.lost(), node.outOfOrder()));
            }
        }
        out.append(String.format(Locale.ROOT, "latency us  p50 %.0f  p90 %.0f  p99 %.0f  p99.9 %.0f  max %.0f%n",
                latency[0], latency[1], latency[2], latency[3], latency[4]));
        out.append(cpuLine());
        return out.toString();
    }

    private String ackedTable() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "target      %s %s%n", options.target().label(),
                options.placement().spread() ? "publishers on " + String.join(", ",
                        options.placement().publishTo().stream().map(Address::toString).toList())
                        : options.placement().describe()));
        out.append(String.format(Locale.ROOT, "shape       acked: %d publisher(s), up to %d publishes awaiting "
                + "acknowledgement each, %d-byte messages%n", options.publishers(), options.ackWindow(),
                options.size()));
        out.append(String.format(Locale.ROOT, "acked       %,d of %,d in %.2f s = %,.0f acks/s%n", received,
                expected, seconds, deliveredPerSecond()));
        out.append(String.format(Locale.ROOT, "checks      unacknowledged %,d%s; before an earlier publish's %,d%n",
                lost, clean() ? " (clean)" : " (NOT CLEAN)", outOfOrder));
        out.append(String.format(Locale.ROOT, "ack us      p50 %.0f  p90 %.0f  p99 %.0f  p99.9 %.0f  max %.0f%n",
                latency[0], latency[1], latency[2], latency[3], latency[4]));
        out.append(cpuLine());
        return out.toString();
    }

    private String cpuLine() {
        String each = serverCpuPercents.size() < 2 ? "" : " (" + String.join(" + ", serverCpuPercents.stream()
                .map(percent -> percent < 0 ? "?" : String.format(Locale.ROOT, "%.0f", percent)).toList())
                + " by --server-pid)";
        return String.format(Locale.ROOT, "cpu         bench %.0f%%, server %s%s%n", benchCpuPercent,
                serverCpuPercent < 0 ? "unknown (give --server-pid)" : String.format(Locale.ROOT, "%.0f%%",
                        serverCpuPercent), each);
    }

    /**
     * The same figures as one JSON object, with {@code serverCpuPercents} (one per {@code --server-pid}),
     * {@code subscribeTo} and {@code publishTo} (lists of {@code "HOST:PORT"}) and {@code nodes}, the deliveries
     * per server subscribed to ({@link NodeDeliveries}).
     * The acked shape adds {@code window} and {@code ackedPerSecond} (the same figure as
     * {@code deliveredPerSecond}, named for what it counts).
     */
    public String json() {
        String object = deliveryJson();
        if (!acked()) {
            return object;
        }
        return object.substring(0, object.length() - 1) + String.format(Locale.ROOT,
                ",\"window\":%d,\"ackedPerSecond\":%.0f}", options.ackWindow(), deliveredPerSecond());
    }

    private String deliveryJson() {
        return String.format(Locale.ROOT, "{\"target\":\"%s\",\"shape\":\"%s\",\"publishers\":%d,"
                        + "\"subscribers\":%d,\"size\":%d,\"rate\":%d,\"sent\":%d,\"expected\":%d,\"received\":%d,"
                        + "\"lost\":%d,\"outOfOrder\":%d,\"seconds\":%.3f,\"deliveredPerSecond\":%.0f,"
                        + "\"latencyMicros\":{\"p50\":%.1f,\"p90\":%.1f,\"p99\":%.1f,\"p999\":%.1f,\"max\":%.1f},"
                        + "\"timed\":%d,"
                        + "\"benchCpuPercent\":%.1f,\"serverCpuPercent\":%.1f,\"clean\":%b,"
                        + "\"serverCpuPercents\":%s,\"subscribeTo\":%s,\"publishTo\":%s,\"nodes\":%s}",
                options.target().label(), options.shape().label(), options.publishers(), options.subscribers(),
                options.size(), options.rate(), sent, expected, received, lost, outOfOrder, seconds,
                deliveredPerSecond(), latency[0], latency[1], latency[2], latency[3], latency[4], timed,
                benchCpuPercent,
                serverCpuPercent, clean(), jsonPercents(), jsonAddresses(options.placement().subscribeTo()),
                jsonAddresses(options.placement().publishTo()), nodesJson());
    }

    private String jsonPercents() {
        return "[" + String.join(",", serverCpuPercents.stream()
                .map(percent -> String.format(Locale.ROOT, "%.1f", percent)).toList()) + "]";
    }

    private static String jsonAddresses(List<Address> addresses) {
        return "[" + String.join(",", addresses.stream().map(a -> "\"" + jsonText(a.toString()) + "\"").toList())
                + "]";
    }

    private String nodesJson() {
        return "[" + String.join(",", nodes.stream().map(node -> String.format(Locale.ROOT, "{\"address\":\"%s\","
                + "\"subscribers\":%d,\"expected\":%d,\"received\":%d,\"lost\":%d,\"outOfOrder\":%d,"
                + "\"clean\":%b}", jsonText(node.address().toString()), node.subscribers(), node.expected(),
                node.received(), node.lost(), node.outOfOrder(), node.clean())).toList()) + "]";
    }

    /** A host name as a JSON string's contents: host names have no quotes or backslashes, but be safe. */
    private static String jsonText(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** {@code 3.47 M}, {@code 812 k}. */
    static String human(double value) {
        if (value >= 1e6) {
            return String.format(Locale.ROOT, "%.2f M", value / 1e6);
        }
        if (value >= 1e3) {
            return String.format(Locale.ROOT, "%.0f k", value / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", value);
    }
}
