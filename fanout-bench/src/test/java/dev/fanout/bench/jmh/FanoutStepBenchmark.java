package dev.fanout.bench.jmh;

import dev.fanout.hub.Batch;
import dev.fanout.hub.Encoding;
import dev.fanout.hub.Hub;
import dev.fanout.hub.Origin;
import dev.fanout.hub.PublishBacklog;
import dev.fanout.hub.Subscriber;
import dev.fanout.server.LimitOptions;
import dev.fanout.store.HistoryLimits;
import dev.fanout.store.MemoryHistory;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The hub's fan-out step: {@link Hub#publishAll} of a burst of {@value #BURST} messages of {@code size} bytes
 * to a topic with {@code subscribers} subscribers, then the event loop's drain task, which puts the burst in
 * one {@link Batch}, encodes it once in {@code encoding}, and hands every subscriber its bytes
 * ({@link Batch#encodedFor}, a shared duplicate) and then the end of the batch. Each subscriber measures and
 * releases its bytes where a session would queue and flush them, so socket writes are not part of the figure.
 *
 * <p>Everything runs on the benchmark thread: all subscribers are on the event loop of one
 * {@link EmbeddedChannel}, which counts every thread as its own ({@code inEventLoop()} is always true) and
 * runs the drain task when {@code runPendingTasks()} is called. The figure is the step's CPU cost without the
 * hand-off between threads that a real server adds.
 *
 * <p>Scores, per microsecond: the primary score is messages published ({@value #BURST} per invocation), and
 * the secondary {@code deliveries} is messages handed to subscribers (burst x subscribers), i.e. millions of
 * deliveries per second: the figure to set beside bench/compare's delivered messages per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FanoutStepBenchmark {

    /** Messages per invocation: what a publisher's read of small frames brings at once. */
    static final int BURST = 64;
    static final Origin PUBLISHER = Origin.of("publisher");
    private static final String TOPIC = "bench";

    @Param({"1", "10", "100", "1000"})
    int subscribers;

    @Param({"16", "256"})
    int size;

    @Param({"FRAME", "LINE"})
    Encoding encoding;

    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private final List<ByteBuf> burst = new ArrayList<>(BURST);
    private EmbeddedChannel channel;
    /** The burst's payloads back to back, as a publisher's read holds them. */
    private ByteBuf read;
    /** Where the subscribers count and sink what they get; set by each invocation. */
    private Deliveries counts;
    private Blackhole blackhole;
    Hub hub;
    private MemoryHistory history;

    /** Makes the hub, subscribes every subscriber to one topic on one loop, and prepares the payloads. */
    @Setup
    public void setUp() {
        channel = new EmbeddedChannel();
        // History at its defaults, as the server runs: every publish is also kept for resuming clients.
        history = new MemoryHistory(HistoryLimits.defaults());
        hub = new Hub(TOPIC, 1, history, new PublishBacklog(LimitOptions.DEFAULT_PUBLISH_BACKLOG), alloc,
                Clock.systemUTC());
        for (int i = 0; i < subscribers; i++) {
            hub.subscribe(TOPIC, new Receiver(i + 1));
        }
        // Subscribers join on the loop, in line with the messages.
        channel.runPendingTasks();
        read = alloc.directBuffer(BURST * size);
        for (int i = 0; i < BURST; i++) {
            read.writeBytes(Inputs.text(size, i));
        }
    }

    /**
     * Publishes a burst and drains it to every subscriber. The hub owns and releases what it is given, so each
     * invocation passes fresh retained slices of the prepared read: that is what the frame decoder hands the
     * publish path in the server, and it costs no copy, so the figure does not include making payloads.
     */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public void publishAndDrain(Deliveries deliveries, Blackhole blackhole) {
        this.counts = deliveries;
        this.blackhole = blackhole;
        burst.clear();
        for (int i = 0; i < BURST; i++) {
            burst.add(read.retainedSlice(i * size, size));
        }
        hub.publishAll(TOPIC, burst, PUBLISHER);
        channel.runPendingTasks();
    }

    /** Releases the payloads and the loop; fails if any message's bytes were never drained. */
    @TearDown
    public void tearDown() {
        channel.finishAndReleaseAll();
        history.close();
        read.release();
        long left = hub.backlog().bytes();
        if (left != 0) {
            throw new IllegalStateException(left + " bytes are still in the publish backlog after the drain");
        }
    }

    /**
     * What the subscribers received. JMH reports its public field as the secondary score {@code deliveries},
     * per unit of time, and zeroes it before each iteration. (JMH refuses a counters state that is also
     * injected into another state's set-up, hence the hand-over on each invocation.)
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Deliveries {

        /** Messages handed to subscribers, counted as a session counts them ({@link Batch#sizeFor}). */
        public long deliveries;
        /** Wire bytes handed to subscribers (shared duplicates, so not copied). */
        long bytes;
        /** Batches ended, one per subscriber per drain. */
        long batchesEnded;

        /** Zeroes the counts. */
        @Setup(Level.Iteration)
        public void reset() {
            deliveries = 0;
            bytes = 0;
            batchesEnded = 0;
        }
    }

    /** A subscriber that takes its bytes of each batch as a session does, and releases them at once. */
    private final class Receiver implements Subscriber {

        private final long id;

        Receiver(long id) {
            this.id = id;
        }

        @Override
        public long id() {
            return id;
        }

        @Override
        public String name() {
            return "receiver-" + id;
        }

        @Override
        public EventLoop eventLoop() {
            return channel.eventLoop();
        }

        @Override
        public int deliver(Batch batch) {
            ByteBuf bytes = batch.encodedFor(encoding, id);
            if (bytes == null) {
                return 0;
            }
            int length = bytes.readableBytes();
            blackhole.consume(length);
            counts.deliveries += batch.sizeFor(id);
            counts.bytes += length;
            bytes.release();
            return batch.sizeFor(id);
        }

        @Override
        public void endOfBatch() {
            counts.batchesEnded++;
        }
    }
}
