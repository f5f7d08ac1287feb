package dev.fanout.server;

import dev.fanout.hub.Broker;
import dev.fanout.hub.HistoryStore;
import dev.fanout.hub.Hub;
import dev.fanout.hub.LocalBroker;
import dev.fanout.hub.PublishBacklog;
import dev.fanout.hub.PublishDedup;
import dev.fanout.protocol.ByteSize;
import dev.fanout.protocol.Durations;
import dev.fanout.server.control.SubscriptionBudget;
import dev.fanout.server.frames.FramesInitializer;
import dev.fanout.server.frames.InboundBudget;
import dev.fanout.server.http.HttpInitializer;
import dev.fanout.server.lines.LinesInitializer;
import dev.fanout.server.metrics.ServerMetrics;
import dev.fanout.server.session.Addresses;
import dev.fanout.server.session.ConnectionLimiter;
import dev.fanout.server.session.QueueBudget;
import dev.fanout.server.session.Session;
import dev.fanout.server.session.SessionContext;
import dev.fanout.server.session.SessionRegistry;
import dev.fanout.server.session.SessionStats;
import dev.fanout.server.source.ReadOnlyGuard;
import dev.fanout.server.source.ReadOnlyTopics;
import dev.fanout.server.source.RelayPath;
import dev.fanout.server.source.Source;
import dev.fanout.server.source.SourceContext;
import dev.fanout.server.tls.ServerTls;
import dev.fanout.server.websocket.WebSocketUpgrade;
import dev.fanout.server.auth.Authenticator;
import dev.fanout.store.MemoryHistory;
import dev.fanout.store.disk.DiskHistory;
import dev.fanout.store.redis.RedisBroker;
import dev.fanout.store.redis.RedisHistory;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running fanout server: the hub, the frames and lines listeners, their event loops and any sources.
 *
 * <p>{@link #start()} returns once every listener is bound (port 0 picks a free port; {@link #framesAddress()}
 * and {@link #linesAddress()} tell which). {@link #close()} shuts down gracefully: stop accepting, stop the
 * sources, deliver what is queued within the drain timeout, close every client, stop the event loops; it
 * returns within the drain timeout plus {@link ServerOptions#SHUTDOWN_GRACE}.
 * Thread-safe.
 */
public final class FanoutServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FanoutServer.class);

    private final ServerOptions options;
    private final Clock clock;
    private final SessionRegistry registry = new SessionRegistry();
    private final SessionStats stats;
    private final List<Channel> serverChannels = new ArrayList<>();
    private final List<Source> sources = new CopyOnWriteArrayList<>();
    private final List<Source> pendingSources = new ArrayList<>();
    private ReadOnlyTopics readOnly;
    private final RelayPath relays = new RelayPath();
    private SourceContext sourceContext;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private Hub hub;
    private HistoryStore history;
    private ScheduledFuture<?> expiry;
    private ServerTls tls;
    private ScheduledExecutorService tlsWatch;
    private Authenticator auth;
    private Broker broker;
    private ConnectionLimiter limiter;
    private QueueBudget queueBudget;
    private InboundBudget inboundBudget;
    private Consumer<Throwable> onOutOfMemory = FanoutServer::exitOutOfMemory;
    private EventLoopGroup acceptGroup;
    private EventLoopGroup ioGroup;
    private InetSocketAddress framesAddress;
    private InetSocketAddress linesAddress;
    private InetSocketAddress httpAddress;
    private ServerMetrics metrics;

    /** A server with these options and the system clock. */
    public FanoutServer(ServerOptions options) {
        this(options, Clock.systemUTC());
    }

    /** A server with these options; {@code clock} stamps messages. */
    public FanoutServer(ServerOptions options, Clock clock) {
        this.options = options;
        this.clock = clock;
        this.stats = new SessionStats(options.http().recentCloses());
    }

    /**
     * The exit code when the server runs out of memory while serving: 12, as ENOMEM. The heap is covered by the
     * JVM's {@code -XX:+ExitOnOutOfMemoryError} (exit code 3), direct memory only by this.
     */
    public static final int EXIT_OUT_OF_MEMORY = 12;

    /**
     * Replaces what happens when serving a client runs out of memory. The default logs the error and halts the
     * process with {@link #EXIT_OUT_OF_MEMORY}: every queue and buffer is bounded, so a server whose memory ran
     * out anyway is broken and better restarted than limping on. Call before {@link #start()}.
     */
    public FanoutServer onOutOfMemory(Consumer<Throwable> handler) {
        this.onOutOfMemory = handler;
        return this;
    }

    private void outOfMemory(Throwable error) {
        onOutOfMemory.accept(error);
    }

    private static void exitOutOfMemory(Throwable error) {
        log.error("out of memory while serving clients ({}): exiting with code {} rather than limping on; check "
                + "-Xmx, -XX:MaxDirectMemorySize and the limits in docs/operations.md", error, EXIT_OUT_OF_MEMORY);
        Runtime.getRuntime().halt(EXIT_OUT_OF_MEMORY);
    }

    /**
     * Binds every listener and returns once they accept connections.
     *
     * @throws IllegalStateException if a listener cannot bind (the message names the address and why)
     */
    public FanoutServer start() {
        LimitOptions limits = options.limits();
        Transport transport = Transport.of(options.transport());
        int threads = options.ioThreads() == 0 ? Runtime.getRuntime().availableProcessors() : options.ioThreads();
        // First: TLS files or a data directory that cannot be used stop the start before anything else is made.
        tls = options.tls() == null ? null : ServerTls.open(options.tls(), options.limits().handshakeTimeout(), stats);
        auth = options.auth() == null ? null : Authenticator.open(options.auth());
        try {
            history = openHistory();
        } catch (RuntimeException e) {
            closeAuth();
            throw e;
        }
        try {
            startOnHistory(transport, threads);
        } catch (RuntimeException e) {
            stopEventLoops(System.nanoTime() + ServerOptions.SHUTDOWN_GRACE.toNanos());
            if (expiry != null) {
                expiry.cancel(false);
            }
            history.close();
            closeAuth();
            if (tlsWatch != null) {
                tlsWatch.shutdownNow();
            }
            throw e;
        }
        warnIfOpenFilesTooFew(limits.maxClients());
        pendingSources.forEach(source -> source.start(sourceContext));
        return this;
    }

    /** History in memory, on disk ({@code --data-dir}) or shared in Redis ({@code --redis}). */
    private HistoryStore openHistory() {
        if (options.redis() != null) {
            return RedisHistory.open(options.redis(), options.history(), options.control().dedupWindow());
        }
        return options.disk() == null ? new MemoryHistory(options.history())
                : DiskHistory.open(options.disk(), options.history(), clock);
    }

    /** The rest of {@link #start()}, once history is open: the event loops, the hub, the listeners. */
    private void startOnHistory(Transport transport, int threads) {
        LimitOptions limits = options.limits();
        acceptGroup = transport.newGroup(1, new DefaultThreadFactory("fanout-accept"));
        ioGroup = transport.newGroup(threads, new DefaultThreadFactory("fanout-io"));
        if (options.history().expires()) {
            expiry = ioGroup.next().scheduleAtFixedRate(() -> history.expire(clock.millis()), 1, 1, TimeUnit.SECONDS);
        }
        hub = new Hub(options.defaultTopic(), limits.maxTopics(), history, new PublishBacklog(limits.publishBacklog()),
                ByteBufAllocator.DEFAULT, clock);
        if (history instanceof RedisHistory redis) {
            redis.deliverWithin(hub.backlog());
            broker = new RedisBroker(redis, hub.backlog());
        } else {
            broker = new LocalBroker(hub, new PublishDedup(options.control().dedupWindow(),
                    options.control().dedupEntries(), clock));
        }
        queueBudget = new QueueBudget(limits.totalQueueBytes(), registry);
        limiter = new ConnectionLimiter(limits.maxClients(), limits.maxClientsPerAddress(), limits.connectRate(),
                stats);
        inboundBudget = new InboundBudget(limits.totalInboundBytes());
        readOnly = new ReadOnlyTopics(options.allowPublish());
        sourceContext = new SourceContext(broker, hub, ioGroup,
                () -> transport.connections(ioGroup, limits.keepAlive()), limits.maxFrame(), clock, relays);
        // Before any listener is bound, so that no client meets a source-fed topic before its rules apply.
        pendingSources.forEach(this::register);
        SessionContext context = new SessionContext(hub, new ReadOnlyGuard(broker, readOnly), registry, stats,
                limits.queue(),
                queueBudget, limits.closeGrace(), this::outOfMemory, auth, limits.handshakeTimeout(), limits.publish());
        // One bound on control-mode subscriptions, frames and WebSocket clients together.
        SubscriptionBudget subscriptions = new SubscriptionBudget(options.control().maxTotalSubscriptions());
        // Frames clients may half-close and keep reading: the tutorial client does.
        framesAddress = bind(transport, "frames", options.framesPort(), true,
                new FramesInitializer(context, limiter, tlsOn("frames"), limits.maxFrame(), inboundBudget,
                        limits.frameTimeout(), limits.keepAlive(), options.control(), options.serverName(), relays,
                        subscriptions),
                "raw frames of topic '" + options.defaultTopic() + "', or control mode after HELLO");
        // A lines client whose input ends has left: telnet and nc close both ways.
        linesAddress = bind(transport, "lines", options.linesPort(), false,
                new LinesInitializer(context, limiter, tlsOn("lines"), options.serverName() + " " + Version.VERSION,
                        limits.maxLine(), options.lineFlush(), options.control().maxSubscriptions(),
                        limits.idleTimeout()),
                "chat, starting in room '" + options.defaultTopic() + "'");
        if (options.http().enabled()) {
            metrics = new ServerMetrics(this, options.http().metricsTopics());
            httpAddress = bind(transport, "http", options.http().port(), false,
                    new HttpInitializer(this, metrics, this::listenerAddresses, limiter, tlsOn("http"), auth,
                            loopbackOnly(), limits.handshakeTimeout(), new WebSocketUpgrade(context,
                            options.control(), limits.maxFrame(), subscriptions, relays, options.serverName(),
                            options.http().websocket())),
                    "/health, /metrics, /stats, the operator's actions" + (auth == null && !loopbackOnly()
                            ? " (refused here: they need --auth beyond loopback)" : "") + ", and WebSocket clients on "
                            + WebSocketUpgrade.PATH);
        }
        if (auth != null) {
            log.info("authentication: {}; a refusal never says whether a user exists", auth.describe());
        }
        if (tls != null) {
            log.info("{}", tls.describe());
            tls.warnIfOutOfDate();
            // Renewed certificates are picked up without a signal too (certbot, a mounted secret); on a thread of its
            // own, as reading files and building a TLS context must not hold up an event loop.
            tlsWatch = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("fanout-tls-watch", true));
            tlsWatch.scheduleWithFixedDelay(tls::checkFiles, 1, 1, TimeUnit.SECONDS);
        }
        log.info("fanout {} ready (server id {}): {} transport, {} I/O threads, up to {} clients ({} per "
                        + "address), {} and {} messages queued per client, then {}",
                Version.VERSION, relays.id(), transport.name(), threads, limits.maxClients(),
                limits.maxClientsPerAddress(), ByteSize.format(limits.queue().maxBytes()), limits.queue().maxMessages(),
                limits.queue().policy().label());
        log.info("memory bounds: {} queued for clients in all (--total-queue-bytes), {} of frames still arriving "
                        + "(--total-inbound-bytes), {} published and not yet handed out (--publish-backlog); a frame "
                        + "must finish within {} ms (--frame-timeout)",
                ByteSize.format(limits.totalQueueBytes()), ByteSize.format(limits.totalInboundBytes()),
                ByteSize.format(limits.publishBacklog()), limits.frameTimeout().toMillis());
        if (options.redis() != null) {
            log.info("cluster node: topics, their numbering and history are {}, shared with every fanout serve "
                            + "--redis on the same Redis; {} messages and {} of payload per topic (--history, "
                            + "--history-bytes){}; up to {} topics with subscribers here (--max-topics)",
                    history.describe(), options.history().maxMessages(),
                    ByteSize.format(options.history().maxBytes()), options.history().expires()
                            ? ", for " + Durations.format(options.history().maxAge()) + " (--history-age)" : "",
                    limits.maxTopics());
            return;
        }
        log.info("history: {} messages and {} per topic (--history, --history-bytes){}, {} in all "
                        + "(--history-total-bytes), up to {} topics (--max-topics); {}",
                options.history().maxMessages(),
                ByteSize.format(options.history().maxBytes()), options.history().expires()
                        ? ", for " + Durations.format(options.history().maxAge()) + " (--history-age)" : "",
                ByteSize.format(options.history().totalBytes()), limits.maxTopics(), options.disk() == null
                        ? "kept in memory, so a restart starts every topic afresh (--data-dir keeps it on disk)"
                        : history.describe() + ", so a restart keeps every topic's epoch and numbers");
    }

    /** Whether every listener binds a loopback address, so that only this machine reaches them. */
    private boolean loopbackOnly() {
        return options.hosts().stream().allMatch(host -> resolve(host).isLoopbackAddress());
    }

    /** Each listener's name and first address, for {@code /health}. */
    private java.util.Map<String, String> listenerAddresses() {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        out.put("frames", Addresses.format(framesAddress));
        out.put("lines", Addresses.format(linesAddress));
        if (httpAddress != null) {
            out.put("http", Addresses.format(httpAddress));
        }
        return out;
    }

    /** The TLS {@code listener} speaks, or null for plaintext. */
    private ServerTls tlsOn(String listener) {
        return tls != null && tls.options().covers(listener) ? tls : null;
    }

    /**
     * Loads the TLS certificate and key again: new connections use them; open ones keep theirs.
     *
     * @param trigger what asked for it, for the log ({@code SIGHUP})
     * @return true if the new ones are in use; false if the server has no TLS or they could not be loaded (logged)
     */
    public boolean reloadTls(String trigger) {
        if (tls == null) {
            log.info("{}: no TLS to reload, the server was started without --tls-cert", trigger);
            return false;
        }
        return tls.reload(trigger);
    }

    /**
     * Reads the auth file again: logins from now on use it; clients logged in keep what they have.
     *
     * @param trigger what asked for it, for the log ({@code SIGHUP})
     * @return true if the new file is in use; false if the server has no auth file or it could not be read (logged)
     */
    public boolean reloadAuth(String trigger) {
        if (auth == null) {
            log.info("{}: no auth file to reload, the server was started without --auth", trigger);
            return false;
        }
        return auth.reload(trigger);
    }

    private void closeAuth() {
        if (auth != null) {
            auth.close();
        }
    }

    private InetSocketAddress bind(Transport transport, String protocol, int port, boolean allowHalfClosure,
                                   ChannelInitializer<Channel> init, String purpose) {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptGroup, ioGroup)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, allowHalfClosure)
                .childHandler(init);
        transport.keepAlive(bootstrap, options.limits().keepAlive());
        List<InetSocketAddress> bound = new ArrayList<>();
        int chosenPort = port;
        for (String host : options.hosts()) {
            InetAddress address = resolve(host);
            try {
                Channel channel = bootstrap.bind(address, chosenPort).syncUninterruptibly().channel();
                serverChannels.add(channel);
                InetSocketAddress local = (InetSocketAddress) channel.localAddress();
                bound.add(local);
                // With port 0, the first address picks the port and the others share it.
                chosenPort = local.getPort();
            } catch (Exception e) {
                if (options.hosts().equals(ServerOptions.DEFAULT_HOSTS) && address.getAddress().length == 16
                        && !bound.isEmpty()) {
                    log.warn("{} listener: IPv6 loopback {} is not available ({}); serving IPv4 only",
                            protocol, host, e.getMessage());
                    continue;
                }
                throw BindFailure.of(protocol, host, chosenPort, e);
            }
        }
        log.info("{} listener on {}{}: {}", protocol,
                bound.stream().map(Addresses::format).collect(Collectors.joining(" and ")),
                tlsOn(protocol) == null ? "" : " (TLS)", purpose);
        return bound.get(0);
    }

    private static InetAddress resolve(String host) {
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw BindFailure.unknownHost(host, e);
        }
    }

    private static void warnIfOpenFilesTooFew(int maxClients) {
        OpenFileLimit.current().ifPresent(limit -> {
            if (maxClients > limit - OpenFileLimit.RESERVED) {
                log.warn("--max-clients {} exceeds what this process's open-file limit ({}) allows: the system "
                        + "will refuse connections beyond about {}. Raise the limit (ulimit -n) or lower "
                        + "--max-clients", maxClients, limit, limit - OpenFileLimit.RESERVED);
            }
        });
    }

    /**
     * Adds a source that {@link #start()} starts once the listeners are bound; the topics it feeds are read-only
     * for clients (unless the options allow publishing there) from the first client on. Call before start.
     */
    public FanoutServer addSource(Source source) {
        if (sourceContext != null) {
            throw new IllegalStateException("the server has started: use startSource");
        }
        pendingSources.add(source);
        return this;
    }

    /**
     * Starts {@code source}, which runs until the server closes; the topics it feeds become read-only for clients
     * unless the options allow publishing there. Call after {@link #start()}.
     */
    public void startSource(Source source) {
        if (sourceContext == null) {
            throw new IllegalStateException("start the server before its sources, or add them with addSource");
        }
        register(source);
        source.start(sourceContext);
    }

    /** Marks what {@code source} feeds read-only (and mirrored, for a relay) and lists it. */
    private void register(Source source) {
        readOnly.add(source.feeds(), source.mirrors());
        if (source.mirrors()) {
            hub.mirror(source.feeds());
        }
        sources.add(source);
        log.info("source {} feeds {}, {}", source.describe(), source.feeds(), options.allowPublish()
                ? "where clients may publish too (--allow-publish)" : "read-only for clients");
    }

    /** Which servers feed this one through relays, and this server's id among them. */
    public RelayPath relays() {
        return relays;
    }

    /** The sources started, in order. */
    public List<Source> sources() {
        return List.copyOf(sources);
    }

    /** Where the frames listener is bound (the first address, if several). */
    public InetSocketAddress framesAddress() {
        return framesAddress;
    }

    /** Where the HTTP listener is bound (the first address, if several), or null without one. */
    public InetSocketAddress httpAddress() {
        return httpAddress;
    }

    /** Whether {@link #close()} has begun. */
    public boolean isClosing() {
        return closing.get();
    }

    /** Where the lines listener is bound (the first address, if several). */
    public InetSocketAddress linesAddress() {
        return linesAddress;
    }

    /** The publish path. */
    public Broker broker() {
        return broker;
    }

    /** The topics' history. */
    public HistoryStore history() {
        return history;
    }

    /** The hub. */
    public Hub hub() {
        return hub;
    }

    /** The live sessions. */
    public SessionRegistry sessions() {
        return registry;
    }

    /** The bound on what all clients' outbound queues together hold. */
    public QueueBudget queueBudget() {
        return queueBudget;
    }

    /** The bound on what frames still arriving hold, all clients together. */
    public InboundBudget inboundBudget() {
        return inboundBudget;
    }

    /** Connection and close counters. */
    public SessionStats sessionStats() {
        return stats;
    }

    /** Connections holding a place now (sessions and connections being admitted). */
    public int connectedClients() {
        return limiter.connected();
    }

    /** The options it runs with. */
    public ServerOptions options() {
        return options;
    }

    /** Completes when {@link #close()} has finished. */
    public CompletableFuture<Void> closeFuture() {
        return closed;
    }

    /**
     * Shuts down gracefully and returns within {@link ServerOptions#shutdownTimeout()} (the drain timeout plus
     * {@link ServerOptions#SHUTDOWN_GRACE}), whatever the clients do; later calls wait for the first to finish.
     * Clients get what was queued for them within the drain timeout, then a goodbye where their protocol
     * allows. Those still not done are then cut off, and the event loops stopped, within the grace; an event
     * loop still busy when it ends (a collection pause, a long turn of work) finishes in the background, and
     * the server logs that it did not wait for it.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            closed.join();
            return;
        }
        // One deadline for the whole shutdown, taken once: each step waits only for what is left of it.
        long drainEnds = System.nanoTime() + options.drainTimeout().toNanos();
        long graceEnds = drainEnds + ServerOptions.SHUTDOWN_GRACE.toNanos();
        try {
            drain(drainEnds, graceEnds);
        } finally {
            stopEventLoops(graceEnds);
            if (expiry != null) {
                expiry.cancel(false);
            }
            if (history != null) {
                history.close();
            }
            closeAuth();
            if (tlsWatch != null) {
                tlsWatch.shutdownNow();
            }
            if (metrics != null) {
                metrics.close();
            }
            log.info("stopped: {} messages published, {} delivered, {} clients served",
                    hub == null ? 0 : hub.stats().published(), stats.delivered(),
                    stats.accepted());
            closed.complete(null);
        }
    }

    /**
     * Stops intake and delivers what is queued until {@code drainEnds}; then cuts off whoever is left, waiting
     * for that until half the grace is gone, so that stopping the event loops keeps the other half.
     */
    private void drain(long drainEnds, long graceEnds) {
        if (hub == null) {
            return;
        }
        List<Session> sessions = registry.all();
        log.info("shutting down: no longer accepting; delivering what is queued to {} clients (up to {} ms), "
                        + "then closing whoever is left (up to {} ms more)",
                sessions.size(), options.drainTimeout().toMillis(), ServerOptions.SHUTDOWN_GRACE.toMillis());
        List<Future<?>> listeners = new ArrayList<>();
        for (Channel channel : serverChannels) {
            listeners.add(channel.close());
        }
        List<CompletableFuture<Void>> stopped = sources.stream().map(Source::stop).toList();
        sessions.forEach(Session::drainAndClose);
        awaitAll(listeners, drainEnds);
        awaitSources(stopped, drainEnds);
        awaitAll(sessions.stream().map(Session::closeFuture).toList(), drainEnds);
        List<Session> stuck = registry.all().stream().filter(s -> !s.closeFuture().isDone()).toList();
        if (stuck.isEmpty()) {
            return;
        }
        long undelivered = stuck.stream().mapToLong(Session::queuedBytes).sum();
        log.warn("drain time ran out: closing {} clients with {} still queued", stuck.size(),
                ByteSize.format(undelivered));
        stuck.forEach(session -> session.abort("drain time ran out"));
        awaitAll(stuck.stream().map(Session::closeFuture).toList(), drainEnds + (graceEnds - drainEnds) / 2);
    }

    /**
     * Asks every event loop to stop at once, all groups together, and waits for them until {@code deadline}:
     * stopping closes any connection still open. A loop that is not done by then stops in the background.
     */
    private void stopEventLoops(long deadline) {
        List<Future<?>> terminations = new ArrayList<>();
        for (EventLoopGroup group : new EventLoopGroup[] {acceptGroup, ioGroup}) {
            if (group != null) {
                // No quiet period; the timeout only bounds Netty's own wait for tasks that keep coming.
                long left = Math.max(0, deadline - System.nanoTime());
                terminations.add(group.shutdownGracefully(0, left, TimeUnit.NANOSECONDS));
            }
        }
        if (!awaitAll(terminations, deadline)) {
            log.warn("event loops still busy at the shutdown deadline ({} ms after the drain timeout); not waiting "
                    + "for them: they stop in the background", ServerOptions.SHUTDOWN_GRACE.toMillis());
        }
    }

    /** Waits for the sources to close their upstreams, until {@code deadline}; one that does not is left behind. */
    private static void awaitSources(List<CompletableFuture<Void>> stopped, long deadline) {
        try {
            CompletableFuture.allOf(stopped.toArray(CompletableFuture[]::new))
                    .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            log.warn("a source did not close its upstream connection before the drain timeout; not waiting for it");
        } catch (java.util.concurrent.ExecutionException e) {
            log.warn("a source failed while stopping: {}", e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until every future is done or {@code deadline} (a {@link System#nanoTime()}) passes; true if done. */
    private static boolean awaitAll(List<? extends Future<?>> futures, long deadline) {
        for (Future<?> future : futures) {
            long left = deadline - System.nanoTime();
            if (left <= 0 ? !future.isDone() : !future.awaitUninterruptibly(left, TimeUnit.NANOSECONDS)) {
                return false;
            }
        }
        return true;
    }
}
