package dev.fanout.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;

/**
 * Runs one bench: connects the subscribers and publishers (each to the server its {@link Placement} names), waits
 * until every subscriber is known to receive (a probe message reached it), publishes, waits for the deliveries,
 * and measures. The {@link Shape#ACKED} shape is run by {@link AckedRun} instead. Not reusable.
 */
public final class BenchRun {

    /** Connections opened at once, so a thousand subscribers do not swamp the server's accept queue. */
    private static final int CONNECT_BATCH = 256;
    /**
     * The largest socket read, in bytes; Netty's default lets reads grow to 64 KiB. A read that ends inside a
     * message leaves its tail for the next, and the decoder then merges tail and next read into a new buffer:
     * above about 64 KiB that buffer comes from outside the allocator's pools, freshly zeroed and faulted in.
     * Against a server that sends large bursts (fanout writes a whole batch at once), that cost half the bench's
     * reading threads' time and made the 100 and 1000 subscriber cells vary by a factor of three between runs;
     * 16 KiB reads keep every merge pooled.
     */
    private static final int MAX_READ = 16 * 1024;
    private static final int MIN_READ = 64;
    private static final int INITIAL_READ = 2048;
    /** How often a probe is sent while waiting for subscribers to be ready. */
    private static final long PROBE_INTERVAL_MILLIS = 20;
    /** How long subscribers may take to become ready. */
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private final BenchOptions options;
    private final PrintStream progress;
    private final List<Tally> tallies = new ArrayList<>();
    /** Where each tally's subscriber is connected, by index. */
    private final List<Address> tallyAddresses = new ArrayList<>();
    private final List<Publisher> publishers = new ArrayList<>();
    private final List<Channel> channels = new ArrayList<>();

    /** A run of {@code options}; a live progress line goes to {@code progress} unless it is null. */
    public BenchRun(BenchOptions options, PrintStream progress) {
        this.options = options;
        this.progress = progress;
    }

    /**
     * Runs and returns what was measured.
     *
     * @throws IllegalStateException if the server cannot be reached or subscribers never become ready
     * @throws IllegalArgumentException if the target cannot use the topic (a NATS subject with a space, a fanout
     *         control-mode topic with a wildcard)
     */
    public BenchResult run() throws InterruptedException {
        if (options.shape() == Shape.ACKED) {
            return new AckedRun(options, progress).run();
        }
        options.target().wire().checkTopic(options.topic());
        EventLoopGroup group = eventLoops(options.threads());
        try {
            Bootstrap bootstrap = bootstrap(group);
            connectSubscribers(bootstrap);
            connectStuck(bootstrap);
            connectPublishers(bootstrap);
            awaitReady();
            return measure();
        } finally {
            for (Channel channel : channels) {
                channel.close();
            }
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        }
    }

    /** The bench's event loops: epoll where the platform has it. */
    static EventLoopGroup eventLoops(int threads) {
        IoHandlerFactory io = Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, io);
    }

    /** A bootstrap of the bench's client connections on {@code group}, with its read sizes and no Nagle. */
    static Bootstrap bootstrap(EventLoopGroup group) {
        return new Bootstrap().group(group)
                .channel(Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .option(ChannelOption.RECVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(MIN_READ, INITIAL_READ,
                        MAX_READ));
    }

    private void connectSubscribers(Bootstrap bootstrap) throws InterruptedException {
        Wire wire = options.target().wire();
        Bootstrap subscribers = withReceiveBuffer(bootstrap);
        List<Connecting> pending = new ArrayList<>();
        for (int i = 0; i < options.subscribers(); i++) {
            Tally tally = new Tally(options.publishers());
            Address address = options.placement().subscriber(i);
            tallies.add(tally);
            tallyAddresses.add(address);
            Connecting connecting = connect(subscribers, new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel channel) {
                    channel.pipeline().addLast(new ReceiptClock(tally), wire.subscriberHandler(tally));
                }
            }, true, address);
            connecting.future().channel().closeFuture().addListener(closed -> tally.markClosed());
            pending.add(connecting);
            if (pending.size() == CONNECT_BATCH) {
                awaitConnected(pending);
            }
        }
        awaitConnected(pending);
    }

    /** The bootstrap for subscribers: with their receive buffer set, unless the kernel is to size it. */
    private Bootstrap withReceiveBuffer(Bootstrap bootstrap) {
        int receiveBuffer = options.subscriberReceiveBuffer();
        return receiveBuffer == 0 ? bootstrap : bootstrap.clone().option(ChannelOption.SO_RCVBUF, receiveBuffer);
    }

    /**
     * Subscribers that never read, to see what one stuck reader costs the others. Their receive buffers are
     * small so that they fill soon; they are not counted in the run's deliveries.
     */
    private void connectStuck(Bootstrap bootstrap) throws InterruptedException {
        Wire wire = options.target().wire();
        List<Connecting> pending = new ArrayList<>();
        for (int i = 0; i < options.stuck(); i++) {
            Bootstrap neverReads = bootstrap.clone()
                    .option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.SO_RCVBUF, 4096);
            pending.add(connect(neverReads, wire.subscriberHandler((buf, index, length) -> { }), true,
                    options.placement().subscriber(options.subscribers() + i)));
        }
        awaitConnected(pending);
    }

    private void connectPublishers(Bootstrap bootstrap) throws InterruptedException {
        Wire wire = options.target().wire();
        List<Connecting> pending = new ArrayList<>();
        for (int p = 0; p < options.publishers(); p++) {
            int id = p;
            Publisher publisher = new Publisher(p, wire, options.topic(), options.size(), options.count(),
                    options.rate(), window(), () -> slowest(id));
            publishers.add(publisher);
            pending.add(connect(bootstrap, new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel channel) {
                    channel.pipeline().addLast(wire.publisherHandler(), publisher);
                }
            }, false, options.placement().publisher(p)));
        }
        awaitConnected(pending);
    }

    /** Messages a publisher may be ahead of its slowest subscriber: about 2 MiB of them, at least 1,000. */
    private long window() {
        return options.window() > 0 ? options.window()
                : Math.max(1_000, 2L * 1024 * 1024 / (options.size() + 32));
    }

    /** The fewest messages from {@code publisher} that a connected subscriber has; cut-off ones do not count. */
    private long slowest(int publisher) {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < tallies.size(); i++) {
            Tally tally = tallies.get(i);
            if (!tally.closed()) {
                min = Math.min(min, tally.receivedFrom(publisher));
            }
        }
        return min == Long.MAX_VALUE ? Integer.MAX_VALUE : min;
    }

    private Connecting connect(Bootstrap bootstrap, ChannelHandler handler, boolean subscribe, Address address) {
        Wire wire = options.target().wire();
        ChannelFuture future = bootstrap.clone().handler(handler).connect(address.host(), address.port());
        future.addListener(done -> {
            if (done.isSuccess()) {
                Channel channel = future.channel();
                ByteBuf hello = wire.hello(channel.alloc());
                if (hello != null) {
                    channel.write(hello);
                }
                ByteBuf subscription = subscribe ? wire.subscribe(channel.alloc(), options.topic()) : null;
                if (subscription != null) {
                    channel.write(subscription);
                }
                channel.flush();
            }
        });
        return new Connecting(future, address);
    }

    private void awaitConnected(List<Connecting> pending) throws InterruptedException {
        for (Connecting connecting : pending) {
            ChannelFuture future = connecting.future();
            future.await();
            if (!future.isSuccess()) {
                throw new IllegalStateException("cannot connect to " + options.target().label() + " at "
                        + connecting.address() + ": " + future.cause().getMessage() + "; is the server running?");
            }
            channels.add(future.channel());
        }
        pending.clear();
    }

    /** A connection on its way to {@code address}. */
    private record Connecting(ChannelFuture future, Address address) {
    }

    /** Sends probes until every subscriber has received one: only then is every subscription in effect. */
    private void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!tallies.stream().allMatch(Tally::probed)) {
            if (System.nanoTime() > deadline) {
                long ready = tallies.stream().filter(Tally::probed).count();
                throw new IllegalStateException("only " + ready + " of " + tallies.size()
                        + " subscribers received a probe within " + READY_TIMEOUT.toSeconds() + " s");
            }
            publishers.get(0).probe();
            Thread.sleep(PROBE_INTERVAL_MILLIS);
        }
    }

    private BenchResult measure() throws InterruptedException {
        LongSupplier benchCpu = cpuNanos(ProcessHandle.current());
        ServerCpu serverCpu = new ServerCpu(options.serverPids());
        long benchCpuStart = benchCpu.getAsLong();
        serverCpu.start();
        long start = System.nanoTime();
        long stop = options.count() > 0 ? Long.MAX_VALUE : start + options.duration().toNanos();
        for (Tally tally : tallies) {
            tally.recordFrom(start + options.warmup().toNanos());
        }
        List<CompletableFuture<Integer>> finished = new ArrayList<>();
        for (Publisher publisher : publishers) {
            finished.add(publisher.start(start, stop));
        }
        Progress line = new Progress(progress, publishers, tallies);
        while (!CompletableFuture.allOf(finished.toArray(CompletableFuture[]::new)).isDone()) {
            line.update(false);
            awaitAny(finished, 1000);
        }
        int[] sent = new int[publishers.size()];
        long totalSent = 0;
        for (int p = 0; p < sent.length; p++) {
            sent[p] = finished.get(p).join();
            totalSent += sent[p];
        }
        long expected = totalSent * tallies.size();
        awaitDeliveries(expected, line);
        line.update(true);
        long end = tallies.stream().mapToLong(Tally::lastReceiptNanos).max().orElse(start);
        double seconds = Math.max(end - start, 1) / 1e9;
        double benchCpuPercent = percent(benchCpu.getAsLong() - benchCpuStart, end - start);
        List<Double> serverCpuPercents = serverCpu.percents(end - start);
        for (Channel channel : channels) {
            channel.close().await();
        }
        return result(sent, totalSent, expected, seconds, benchCpuPercent, serverCpuPercents);
    }

    private static void awaitAny(List<CompletableFuture<Integer>> futures, long millis) throws InterruptedException {
        try {
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(millis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException stillRunning) {
            // time for the next progress line
        } catch (java.util.concurrent.ExecutionException failed) {
            throw new IllegalStateException(failed.getCause().getMessage(), failed.getCause());
        }
    }

    /** Waits until every delivery happened, or until none has happened for the idle timeout. */
    private void awaitDeliveries(long expected, Progress line) throws InterruptedException {
        long lastTotal = -1;
        long lastChange = System.nanoTime();
        while (true) {
            long total = tallies.stream().mapToLong(Tally::received).sum();
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

    private BenchResult result(int[] sent, long totalSent, long expected, double seconds, double benchCpuPercent,
                               List<Double> serverCpuPercents) {
        Histogram latency = new Histogram(3);
        long received = 0;
        long lost = 0;
        long outOfOrder = 0;
        Map<Address, NodeDeliveries> nodes = new LinkedHashMap<>();
        for (int i = 0; i < tallies.size(); i++) {
            Tally tally = tallies.get(i);
            long tallyLost = tally.lost(sent);
            latency.add(tally.latency());
            received += tally.received();
            lost += tallyLost;
            outOfOrder += tally.outOfOrder();
            nodes.merge(tallyAddresses.get(i),
                    new NodeDeliveries(tallyAddresses.get(i), 1, totalSent, tally.received(), tallyLost,
                            tally.outOfOrder()),
                    (a, b) -> new NodeDeliveries(a.address(), a.subscribers() + b.subscribers(),
                            a.expected() + b.expected(), a.received() + b.received(), a.lost() + b.lost(),
                            a.outOfOrder() + b.outOfOrder()));
        }
        return new BenchResult(options, totalSent, expected, received, lost, outOfOrder, seconds, micros(latency),
                latency.getTotalCount(), benchCpuPercent, ServerCpu.total(serverCpuPercents), serverCpuPercents,
                List.copyOf(nodes.values()));
    }

    /** p50, p90, p99, p99.9 and max of {@code nanos}, in microseconds: {@link BenchResult#latency()}. */
    static double[] micros(Histogram nanos) {
        return new double[] {
            nanos.getValueAtPercentile(50) / 1e3, nanos.getValueAtPercentile(90) / 1e3,
            nanos.getValueAtPercentile(99) / 1e3, nanos.getValueAtPercentile(99.9) / 1e3,
            nanos.getMaxValue() / 1e3
        };
    }

    /** The CPU time the process has used so far, in nanoseconds; -1 if unknown. */
    static LongSupplier cpuNanos(ProcessHandle process) {
        return () -> process.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    /** CPU time as a percentage of one core over the wall time; -1 if either is unknown. */
    static double percent(long cpuNanos, long wallNanos) {
        return wallNanos <= 0 || cpuNanos < 0 ? -1 : 100.0 * cpuNanos / wallNanos;
    }
}
