package dev.fanout.cli;

import dev.fanout.bench.Address;
import dev.fanout.bench.BenchOptions;
import dev.fanout.bench.BenchResult;
import dev.fanout.bench.BenchRun;
import dev.fanout.bench.Placement;
import dev.fanout.bench.Shape;
import dev.fanout.bench.Target;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code fanout bench}: the load generator, against fanout (raw or control mode), NATS or Redis. */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        showDefaultValues = true,
        sortOptions = false,
        description = {
            "Load a running server and measure its delivery rate and latency.",
            "Every message is checked (lost, repeated, out of order); exits 1 if any was. The same load",
            "shapes run against fanout (raw or control mode), NATS and Redis pub/sub, so the figures compare.",
            "--shape acked measures acknowledged publishes per second instead:",
            "fanout-control's PUB with an ACK, Redis's XADD to a stream, NATS JetStream",
            "(a stream with file storage that the bench makes; nats-server -js). Each",
            "of --publishers keeps up to --window publishes awaiting acknowledgement.",
            "--subscribe-to and --publish-to spread the connections over several servers:",
            "the nodes of one fanout cluster (fanout serve --redis), to measure what a",
            "publish on one node delivers on the others. Latency stays exact: the bench",
            "stamps and reads the send times itself."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  ./fanout bench --subscribers 100 --size 16 --count 200000",
            "  ./fanout bench --shape fan-in --publishers 10 --count 100000",
            "  ./fanout bench --rate 10000 --subscribers 100 --size 128 --duration 10s   latency",
            "  ./fanout bench --target fanout-control --subscribers 100 --duration 3s",
            "  ./fanout bench --target fanout-control --shape acked --duration 3s",
            "  ./fanout bench --target redis --shape acked --publishers 1 --window 1",
            "  ./fanout bench --target nats --port 4222 --subscribers 10 --json",
            "  ./fanout bench --target fanout-control --subscribers 100 --duration 3s \\",
            "      --subscribe-to 7080,7090 --publish-to 7070   a cluster: 50 subscribers",
            "                                  on each of two nodes, publishing on a third"
        })
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--target", defaultValue = "fanout", converter = TargetConverter.class, paramLabel = "KIND",
            description = "fanout (frames port, raw mode), fanout-control (frames port, control mode: topic and "
                    + "sequence in every message), nats (nats-server) or redis (redis-server pub/sub).")
    private Target target;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "ADDRESS", description = "The server's host.")
    private String host;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", description = "The server's port; default: the "
            + "target's usual one (fanout and fanout-control 7070, nats 4222, redis 6379).")
    private Integer port;

    @Option(names = "--subscribe-to", paramLabel = "HOST:PORT,...",
            description = "Connect the subscribers to these servers instead, round-robin (the first subscriber to "
                    + "the first, the second to the second, ...): nodes of one fanout cluster. A bare PORT is on "
                    + "--host. Each server's deliveries are reported too.")
    private String subscribeTo;

    @Option(names = "--publish-to", paramLabel = "HOST:PORT,...",
            description = "Connect the publishers to these servers instead, round-robin; may be a node that no "
                    + "subscriber uses. A bare PORT is on --host.")
    private String publishTo;

    @Option(names = "--shape", defaultValue = "fan-out", converter = ShapeConverter.class, paramLabel = "SHAPE",
            description = "fan-out (1 publisher), fan-in (1 subscriber), chat (each member publishes and "
                    + "subscribes) or acked (--publishers only, each waiting for the server to acknowledge its "
                    + "publishes: needs fanout-control, nats with JetStream, or redis).")
    private Shape shape;

    @Option(names = {"-s", "--subscribers"}, defaultValue = "10", paramLabel = "N",
            description = "Subscribers (fan-out), or members (chat).")
    private int subscribers;

    @Option(names = "--publishers", defaultValue = "10", paramLabel = "N", description = "Publishers (fan-in, acked).")
    private int publishers;

    @Option(names = {"-b", "--size"}, defaultValue = "16", paramLabel = "BYTES",
            description = "Payload bytes (at least 16: publisher, sequence number and send time).")
    private int size;

    @Option(names = {"-n", "--count"}, defaultValue = "100000", paramLabel = "N",
            description = "Messages per publisher; 0 to run for --duration.")
    private long count;

    @Option(names = "--duration", defaultValue = "0", converter = Converters.Time.class, paramLabel = "TIME",
            description = "How long to publish, when it replaces --count.")
    private Duration duration;

    @Option(names = "--rate", defaultValue = "0", paramLabel = "MSG/S",
            description = "Messages per second per publisher; 0 for as fast as possible.")
    private long rate;

    @Option(names = "--topic", defaultValue = "bench", paramLabel = "NAME",
            description = "Topic or channel (fanout's raw mode uses the server's default topic).")
    private String topic;

    @Option(names = "--threads", defaultValue = "1", paramLabel = "N", description = "The bench's event-loop "
            + "threads; keep it low on a machine the server shares.")
    private int threads;

    @Option(names = "--idle-timeout", defaultValue = "5s", converter = Converters.Time.class, paramLabel = "TIME",
            description = "Once publishing ends, how long to wait for messages that stopped arriving.")
    private Duration idleTimeout;

    @Option(names = "--server-pid", split = ",", paramLabel = "PID",
            description = "The server's process id, to report its CPU use beside the bench's; several, "
                    + "comma-separated, are added up (the nodes of a cluster and their Redis).")
    private List<Long> serverPids;

    @Option(names = "--window", defaultValue = "0", paramLabel = "N",
            description = "As fast as possible, how many messages a publisher may run ahead of its slowest "
                    + "subscriber, so no server has to drop a slow one; 0 picks about 2 MiB worth. With --shape "
                    + "acked, how many of its publishes may await acknowledgement; 0 picks "
                    + BenchOptions.DEFAULT_ACK_WINDOW + ".")
    private long window;

    @Option(names = "--stuck", defaultValue = "0", paramLabel = "N",
            description = "Extra subscribers that never read: what one stuck reader costs the others. Not "
                    + "counted in the deliveries.")
    private int stuck;

    @Option(names = "--warmup", defaultValue = "0", converter = Converters.Time.class, paramLabel = "TIME",
            description = "Messages sent this soon after the start are checked but not timed, so JIT warm-up "
                    + "does not show as latency.")
    private Duration warmup;

    @Option(names = "--receive-buffer", defaultValue = "0", converter = Converters.Size.class, paramLabel = "SIZE",
            description = "Each subscriber's socket receive buffer (SO_RCVBUF), e.g. 256KiB; 0 leaves it to the "
                    + "kernel for up to 10 subscribers and shares 128 MiB among more (at least 64 KiB each), so "
                    + "that a thousand subscribers in one process do not run the host out of TCP memory.")
    private long receiveBuffer;

    @Option(names = "--json", description = "Print the result as one JSON object instead of a table.")
    private boolean json;

    @Option(names = {"-q", "--quiet"}, description = "No live progress line.")
    private boolean quiet;

    @Override
    public Integer call() throws InterruptedException {
        if (duration.isZero() && count == 0) {
            throw new IllegalArgumentException("give --count N or --duration TIME");
        }
        int pubs = switch (shape) {
            case FAN_OUT -> 1;
            case FAN_IN, ACKED -> publishers;
            case CHAT -> subscribers;
        };
        int subs = switch (shape) {
            case FAN_IN -> 1;
            case ACKED -> 0;
            case FAN_OUT, CHAT -> subscribers;
        };
        if (shape == Shape.ACKED && subscribeTo != null) {
            throw new IllegalArgumentException("--subscribe-to has no use with --shape acked, which has no "
                    + "subscribers: give the servers to publish to with --publish-to");
        }
        int serverPort = port == null ? target.defaultPort() : port;
        BenchOptions options = new BenchOptions(target, host, serverPort, shape, pubs, subs, size,
                duration.isZero() ? count : 0, duration, rate, topic, threads, idleTimeout,
                serverPids == null ? List.of() : serverPids, window, stuck, warmup, receiveBuffer(receiveBuffer),
                placement(serverPort));
        BenchResult result = new BenchRun(options, quiet || json ? null : System.err).run();
        System.out.print(json ? result.json() + System.lineSeparator() : result.table());
        return result.clean() ? 0 : 1;
    }

    /** Where the connections go: --subscribe-to and --publish-to, each --host:--port unless given. */
    private Placement placement(int serverPort) {
        List<Address> server = List.of(new Address(host, serverPort));
        return new Placement(subscribeTo == null ? server : addresses("--subscribe-to", subscribeTo),
                publishTo == null ? server : addresses("--publish-to", publishTo));
    }

    private List<Address> addresses(String flag, String text) {
        try {
            return Address.parseList(text, host);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag + ": " + e.getMessage(), e);
        }
    }

    private static int receiveBuffer(long bytes) {
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("--receive-buffer (" + bytes + " bytes) must be below 2 GiB");
        }
        return (int) bytes;
    }

    /** Parses {@code fanout}, {@code fanout-control}, {@code nats}, {@code redis}. */
    static final class TargetConverter implements ITypeConverter<Target> {
        @Override
        public Target convert(String value) {
            try {
                return Target.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** Parses {@code fan-out}, {@code fan-in}, {@code chat}, {@code acked}. */
    static final class ShapeConverter implements ITypeConverter<Shape> {
        @Override
        public Shape convert(String value) {
            try {
                return Shape.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
