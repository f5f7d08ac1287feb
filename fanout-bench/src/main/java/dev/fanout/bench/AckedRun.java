package dev.fanout.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;

/**
 * Runs one bench of the {@link Shape#ACKED} shape: connects the publishers, lets each prepare what its wire needs
 * (a JetStream stream) and waits for the server's answer, publishes with a window of publishes awaiting
 * acknowledgement per publisher, waits for the last acknowledgements, and measures acknowledged publishes per
 * second and the time each acknowledgement took. Not reusable.
 */
final class AckedRun {

    /** How long the server may take to answer a publisher's preparation (NATS: to make the stream). */
    private static final Duration PREPARE_TIMEOUT = Duration.ofSeconds(30);

    private final BenchOptions options;
    private final PrintStream progress;
    private final AckedWire wire;
    private final List<AckedPublisher> publishers = new ArrayList<>();
    private final List<Channel> channels = new ArrayList<>();

    /** A run of {@code options}, whose shape is acked; a live progress line goes to {@code progress} unless null. */
    AckedRun(BenchOptions options, PrintStream progress) {
        if (options.shape() != Shape.ACKED) {
            throw new IllegalArgumentException("an acked run of the " + options.shape().label() + " shape");
        }
        this.options = options;
        this.progress = progress;
        this.wire = options.target().ackedWire();
    }

    /**
     * Runs and returns what was measured.
     *
     * @throws IllegalStateException if the server cannot be reached, does not answer the preparation, closes a
     *         publisher's connection or refuses a publish
     * @throws IllegalArgumentException if the target cannot use the topic
     */
    BenchResult run() throws InterruptedException {
        wire.checkTopic(options.topic());
        EventLoopGroup group = BenchRun.eventLoops(options.threads());
        try {
            connectPublishers(BenchRun.bootstrap(group));
            awaitPrepared();
            return measure();
        } finally {
            for (Channel channel : channels) {
                channel.close();
            }
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        }
    }

    private void connectPublishers(Bootstrap bootstrap) throws InterruptedException {
        // Reply subjects of this run, unlike any other bench's on the same server.
        String inboxes = "_INBOX.bench-" + UUID.randomUUID().toString().replace("-", "") + ".";
        List<ChannelFuture> pending = new ArrayList<>();
        for (int p = 0; p < options.publishers(); p++) {
            String inbox = inboxes + p;
            AckedPublisher publisher = new AckedPublisher(p, wire, options.topic(), inbox, options.size(),
                    options.count(), options.ackWindow());
            publishers.add(publisher);
            ChannelFuture connecting = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel channel) {
                    channel.pipeline().addLast(new ReceiptClock(publisher::readArrived), wire.ackHandler(publisher),
                            publisher);
                }
            }).connect(options.placement().publisher(p).host(), options.placement().publisher(p).port());
            // The first publisher prepares alone (makes the JetStream stream), the others once it is done: nats-server
            // (2.9) can refuse the same stream made by two connections at once ("subjects overlap with an existing
            // stream"), which made runs with several publishers fail now and then.
            CompletableFuture<Void> first = p == 0 ? CompletableFuture.completedFuture(null)
                    : publishers.get(0).prepared();
            connecting.addListener(done -> {
                if (done.isSuccess()) {
                    Channel channel = connecting.channel();
                    ByteBuf hello = wire.hello(channel.alloc());
                    if (hello != null) {
                        channel.writeAndFlush(hello);
                    }
                    first.whenComplete((ignored, failure) -> channel.eventLoop().execute(() -> {
                        ByteBuf prepare = wire.prepare(channel.alloc(), options.topic(), inbox);
                        if (prepare != null) {
                            channel.writeAndFlush(prepare);
                        }
                    }));
                }
            });
            pending.add(connecting);
        }
        for (int p = 0; p < pending.size(); p++) {
            ChannelFuture future = pending.get(p);
            future.await();
            if (!future.isSuccess()) {
                throw new IllegalStateException("cannot connect to " + options.target().label() + " at "
                        + options.placement().publisher(p) + ": " + future.cause().getMessage()
                        + "; is the server running?");
            }
            channels.add(future.channel());
        }
    }

    private void awaitPrepared() throws InterruptedException {
        long deadline = System.nanoTime() + PREPARE_TIMEOUT.toNanos();
        for (AckedPublisher publisher : publishers) {
            try {
                publisher.prepared().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                throw new IllegalStateException("no answer from " + options.target().label() + " to the bench's "
                        + "preparation within " + PREPARE_TIMEOUT.toSeconds() + " s"
                        + (options.target() == Target.NATS ? ": is nats-server running with -js (JetStream)?" : ""), e);
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
            }
        }
    }

    private BenchResult measure() throws InterruptedException {
        LongSupplier benchCpu = BenchRun.cpuNanos(ProcessHandle.current());
        ServerCpu serverCpu = new ServerCpu(options.serverPids());
        long benchCpuStart = benchCpu.getAsLong();
        serverCpu.start();
        long start = System.nanoTime();
        long stop = options.count() > 0 ? Long.MAX_VALUE : start + options.duration().toNanos();
        List<CompletableFuture<Long>> finished = new ArrayList<>();
        for (AckedPublisher publisher : publishers) {
            finished.add(publisher.start(stop, start + options.warmup().toNanos()));
        }
        Progress line = new Progress(progress, () -> publishers.stream().mapToLong(AckedPublisher::sent).sum(),
                () -> publishers.stream().mapToLong(AckedPublisher::acknowledged).sum(), "acked");
        CompletableFuture<Void> all = CompletableFuture.allOf(finished.toArray(CompletableFuture[]::new));
        while (!all.isDone()) {
            line.update(false);
            try {
                all.get(1000, TimeUnit.MILLISECONDS);
            } catch (TimeoutException stillRunning) {
                // time for the next progress line
            } catch (ExecutionException failed) {
                throw new IllegalStateException(failed.getCause().getMessage(), failed.getCause());
            }
        }
        long sent = finished.stream().mapToLong(CompletableFuture::join).sum();
        awaitAcks(sent, line);
        line.update(true);
        long end = Math.max(start, publishers.stream().mapToLong(AckedPublisher::lastAckNanos).max().orElse(start));
        double seconds = Math.max(end - start, 1) / 1e9;
        double benchCpuPercent = BenchRun.percent(benchCpu.getAsLong() - benchCpuStart, end - start);
        List<Double> serverCpuPercents = serverCpu.percents(end - start);
        for (Channel channel : channels) {
            channel.close().await();
        }
        Histogram latency = new Histogram(3);
        long acked = 0;
        long outOfOrder = 0;
        for (AckedPublisher publisher : publishers) {
            latency.add(publisher.latency());
            acked += publisher.acknowledged();
            outOfOrder += publisher.outOfOrder();
        }
        return new BenchResult(options, sent, sent, acked, sent - acked, outOfOrder, seconds,
                BenchRun.micros(latency), latency.getTotalCount(), benchCpuPercent, ServerCpu.total(serverCpuPercents),
                serverCpuPercents, List.of());
    }

    /**
     * Waits until every publish is acknowledged, or until none has been for the idle timeout.
     *
     * @throws IllegalStateException if a publisher's connection failed meanwhile (a refused publish)
     */
    private void awaitAcks(long expected, Progress line) throws InterruptedException {
        long lastTotal = -1;
        long lastChange = System.nanoTime();
        while (true) {
            for (AckedPublisher publisher : publishers) {
                Throwable failure = publisher.failure();
                if (failure != null) {
                    throw new IllegalStateException(failure.getMessage(), failure);
                }
            }
            long total = publishers.stream().mapToLong(AckedPublisher::acknowledged).sum();
            if (total >= expected) {
                return;
            }
            long now = System.nanoTime();
            if (total != lastTotal) {
                lastTotal = total;
                lastChange = now;
            } else if (now - lastChange > options.idleTimeout().toNanos()) {
                return;
            }
            line.update(false);
            Thread.sleep(10);
        }
    }
}
