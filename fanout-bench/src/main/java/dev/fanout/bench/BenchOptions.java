package dev.fanout.bench;

import java.time.Duration;
import java.util.List;

/**
 * One bench run.
 *
 * @param target      the kind of server
 * @param host        its address
 * @param port        its port
 * @param shape       the load shape (for reports; the counts below already follow from it)
 * @param publishers  publishing connections
 * @param subscribers subscribing connections; none in the {@link Shape#ACKED} shape
 * @param size        payload bytes, at least {@link Stamp#SIZE}
 * @param count       messages per publisher; 0 to run for {@code duration} instead
 * @param duration    how long to publish when {@code count} is 0
 * @param rate        messages per second per publisher; 0 for as fast as possible (the only choice when acked)
 * @param topic       the topic (fanout's raw mode always uses the server's default topic)
 * @param threads     the bench's own event-loop threads
 * @param idleTimeout how long to wait, once publishing ended, for messages that stopped arriving
 * @param serverPids  the server's process id, to report its CPU use; several add up (the nodes of a cluster
 *                    and their Redis); none if unknown
 * @param window      as fast as possible, how many messages a publisher may be ahead of its slowest
 *                    subscriber; 0 picks about 2 MiB worth. In the acked shape, how many of its publishes may
 *                    await their acknowledgement; 0 picks {@link #DEFAULT_ACK_WINDOW}
 * @param stuck       extra subscribers that never read, not counted in the deliveries
 * @param warmup      messages sent this soon after the start are checked but left out of the latency figures,
 *                    so that the JIT compiling the hot paths does not show as latency
 * @param receiveBuffer each subscriber's socket receive buffer (SO_RCVBUF) in bytes; 0 picks one by
 *                    {@link #AUTOMATIC_RECEIVE_BUFFERS}
 * @param placement   which server each connection goes to; null for all to {@code host:port}. With several
 *                    nodes of one fanout cluster, subscribers on some and publishers on another
 */
public record BenchOptions(Target target, String host, int port, Shape shape, int publishers, int subscribers,
                           int size, long count, Duration duration, long rate, String topic, int threads,
                           Duration idleTimeout, List<Long> serverPids, long window, int stuck, Duration warmup,
                           int receiveBuffer, Placement placement) {

    /**
     * With {@code receiveBuffer} 0, what all subscribers' receive buffers may hold together once there are more
     * than {@link #KERNEL_TUNED_UP_TO} of them: this divided among them, at least {@link #MIN_RECEIVE_BUFFER}
     * each. Left to the kernel, each socket's buffer grows to {@code tcp_rmem}'s maximum (32 MiB on this
     * machine's Linux), and a thousand subscribers in one process push the host past {@code tcp_mem}: the kernel
     * then prunes, drops and retransmits on loopback, and the run measures that instead of the server.
     */
    public static final long AUTOMATIC_RECEIVE_BUFFERS = 128L * 1024 * 1024;
    /** With {@code receiveBuffer} 0 and at most this many subscribers, the kernel sizes their buffers itself. */
    public static final int KERNEL_TUNED_UP_TO = 10;
    /** The smallest receive buffer {@code receiveBuffer} 0 picks. */
    public static final int MIN_RECEIVE_BUFFER = 64 * 1024;
    /** In the acked shape, the publishes each publisher keeps awaiting acknowledgement when {@code window} is 0. */
    public static final int DEFAULT_ACK_WINDOW = 64;
    /** In the acked shape, the largest window: each publisher keeps the send time of every publish in it. */
    public static final int MAX_ACK_WINDOW = 1 << 20;

    /** Checks the values that the run relies on, naming the first that is wrong. */
    public BenchOptions {
        if (placement == null) {
            placement = Placement.single(host, port);
        }
        serverPids = List.copyOf(serverPids);
        require(serverPids.stream().allMatch(pid -> pid > 0), "serverPids (" + serverPids + ") must be above 0");
        require(publishers >= 1, "publishers (" + publishers + ") must be at least 1");
        if (shape == Shape.ACKED) {
            target.ackedWire();
            require(subscribers == 0, "subscribers (" + subscribers + ") must be 0 in the acked shape: it measures "
                    + "acknowledged publishes, not deliveries");
            require(rate == 0, "rate (" + rate + ") must be 0 in the acked shape: each publisher sends as fast as "
                    + "its acknowledgements come");
            require(stuck == 0, "stuck (" + stuck + ") must be 0 in the acked shape, which has no subscribers");
            require(window <= MAX_ACK_WINDOW, "window (" + window + ") must be at most " + MAX_ACK_WINDOW
                    + " in the acked shape");
        } else {
            require(subscribers >= 1, "subscribers (" + subscribers + ") must be at least 1");
        }
        require(size >= Stamp.SIZE, "size (" + size + ") must be at least " + Stamp.SIZE
                + " bytes: each payload carries a publisher, a sequence number and a send time");
        require(count >= 0, "count (" + count + ") must be 0 (use duration) or more");
        require(count > 0 || !duration.isZero(), "give a message count or a duration");
        require(rate >= 0, "rate (" + rate + ") must be 0 (as fast as possible) or more");
        require(threads >= 1, "threads (" + threads + ") must be at least 1");
        require(window >= 0, "window (" + window + ") must be 0 (automatic) or more");
        require(stuck >= 0, "stuck (" + stuck + ") must be 0 or more");
        require(!warmup.isNegative(), "warmup (" + warmup.toMillis() + " ms) must not be negative");
        require(receiveBuffer >= 0, "receiveBuffer (" + receiveBuffer + ") must be 0 (automatic) or more");
    }

    /** A run with every connection to {@code host:port}, and one server process id; 0 if unknown. */
    public BenchOptions(Target target, String host, int port, Shape shape, int publishers, int subscribers, int size,
                        long count, Duration duration, long rate, String topic, int threads, Duration idleTimeout,
                        long serverPid, long window, int stuck, Duration warmup, int receiveBuffer) {
        this(target, host, port, shape, publishers, subscribers, size, count, duration, rate, topic, threads,
                idleTimeout, serverPid > 0 ? List.of(serverPid) : List.of(), window, stuck, warmup, receiveBuffer,
                null);
    }

    /** These options with connections placed as {@code value} says. */
    public BenchOptions withPlacement(Placement value) {
        return new BenchOptions(target, host, port, shape, publishers, subscribers, size, count, duration, rate,
                topic, threads, idleTimeout, serverPids, window, stuck, warmup, receiveBuffer, value);
    }

    /**
     * The SO_RCVBUF each subscriber asks for, in bytes; 0 to leave it to the kernel's autotuning (see
     * {@link #AUTOMATIC_RECEIVE_BUFFERS}).
     */
    public int subscriberReceiveBuffer() {
        if (receiveBuffer > 0) {
            return receiveBuffer;
        }
        if (subscribers + stuck <= KERNEL_TUNED_UP_TO) {
            return 0;
        }
        return (int) Math.max(MIN_RECEIVE_BUFFER, AUTOMATIC_RECEIVE_BUFFERS / (subscribers + stuck));
    }

    /** In the acked shape, how many publishes each publisher may have awaiting acknowledgement. */
    public int ackWindow() {
        return window > 0 ? (int) window : DEFAULT_ACK_WINDOW;
    }

    private static void require(boolean rule, String message) {
        if (!rule) {
            throw new IllegalArgumentException(message);
        }
    }
}
