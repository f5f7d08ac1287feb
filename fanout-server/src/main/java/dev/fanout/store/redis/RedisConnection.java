package dev.fanout.store.redis;

import dev.fanout.protocol.Causes;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.SocketAddress;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This server's connections to Redis: one for writes (publishes), one for reads (state, history, the probe) so
 * that they do not wait behind the publishes, and one subscribed to the live channels of the topics it follows,
 * configured for a log rather than a cache. Commands fail at once while
 * Redis is unreachable and after {@link RedisOptions#timeout()} when it does not answer; none is buffered
 * without bound, and none is sent again after a reconnect (a publish Redis may have run already must not run
 * twice). The subscription connection is watched: a probe published to this server's own channel every
 * {@link RedisOptions#probeInterval()} must come back, or the connection is replaced (a subscription that
 * silently stops delivering is a bug peers have shipped). Whenever the subscription may have missed messages
 * (a reconnect, a replaced connection, Redis back after being unreachable), {@link Events#recovered()} is called
 * once its channels are subscribed again, so that what was missed is read from the topics' logs. Thread-safe.
 */
final class RedisConnection implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisConnection.class);
    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
    /** Probes missed in a row that mean the subscription connection no longer delivers. */
    static final int PROBES_MISSED = 3;
    /** How soon a catch-up whose subscribing failed is tried again. */
    static final long RECOVER_RETRY_MILLIS = 100;
    /** The longest wait between attempts to reconnect to Redis. */
    static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(1);

    /** What the connection tells its owner. */
    interface Events {

        /** A message arrived on a subscribed channel; on a Redis client thread: must not block. */
        void message(String channel, byte[] message);

        /** A message arrived on a channel a subscribed pattern matches; as {@link #message}. */
        void patternMessage(String channel, byte[] message);

        /** The subscription is whole again after it may have missed messages: catch up from the logs. */
        void recovered();
    }

    private final RedisOptions options;
    private final ClientResources resources;
    private final AbstractRedisClient client;
    private final StatefulConnection<String, byte[]> connection;
    private final RedisClusterAsyncCommands<String, byte[]> commands;
    /** A second connection, for reads: they must not wait behind the publishes this node has sent. */
    private final StatefulConnection<String, byte[]> reading;
    private final RedisClusterAsyncCommands<String, byte[]> reads;
    private final Events events;
    private final String probeChannel;
    /** Scripts kept in every master's cache: see {@link #loadEverywhere}. */
    private final List<String> scripts;
    private final ScheduledExecutorService timer;
    /** The channels subscribed, besides the probe's. */
    private final Set<String> channels = ConcurrentHashMap.newKeySet();
    /** The channel patterns subscribed. */
    private final Set<String> patterns = ConcurrentHashMap.newKeySet();
    private volatile StatefulRedisPubSubConnection<String, byte[]> subscription;
    private final AtomicBoolean up = new AtomicBoolean(true);
    private final AtomicBoolean recovering = new AtomicBoolean();
    /** A catch-up after a reconnect is scheduled and has not started yet: see {@link #onceOnTimer}. */
    private final AtomicBoolean recoverPending = new AtomicBoolean();
    /** A reload of the scripts is scheduled and has not started yet: see {@link #onceOnTimer}. */
    private final AtomicBoolean reloadPending = new AtomicBoolean();
    private final AtomicLong lastProbeNanos = new AtomicLong(System.nanoTime());
    private final AtomicLong probesSent = new AtomicLong();
    private final AtomicLong subscriptionsReplaced = new AtomicLong();
    private final AtomicLong recoveries = new AtomicLong();
    private volatile long downSinceMillis;
    private volatile boolean closed;

    private RedisConnection(RedisOptions options, ClientResources resources, AbstractRedisClient client,
                            StatefulConnection<String, byte[]> connection, StatefulConnection<String, byte[]> reading,
                            Events events, String probeChannel, List<String> scripts) {
        this.options = options;
        this.scripts = List.copyOf(scripts);
        this.resources = resources;
        this.client = client;
        this.connection = connection;
        this.commands = commandsOf(connection);
        this.reading = reading;
        this.reads = commandsOf(reading);
        this.events = events;
        this.probeChannel = probeChannel;
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "fanout-redis-watch");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Connects to Redis as {@code options} say and subscribes to this server's probe channel.
     *
     * @throws RedisUnavailableException if Redis cannot be reached, saying where and what to check
     */
    static RedisConnection open(RedisOptions options, Events events, String probeChannel, List<String> scripts) {
        RedisTarget target = options.target();
        // Lettuce's default waits up to 30 s between reconnects, growing with each failure: a node would stay
        // cut off long after Redis is back, and a connection cut again and again drifts to that ceiling.
        ClientResources resources = DefaultClientResources.builder()
                .reconnectDelay(() -> Delay.exponential(Duration.ofMillis(10), MAX_RECONNECT_DELAY, 2,
                        TimeUnit.MILLISECONDS))
                .build();
        AbstractRedisClient client = null;
        try {
            // The address's own timeout bounds the connection's set-up too: Lettuce's default waits a minute for
            // something that accepts connections but is not Redis.
            List<RedisURI> uris = target.uris().stream()
                    .map(uri -> RedisURI.builder(uri).withTimeout(options.timeout()).build()).toList();
            if (target.cluster()) {
                RedisClusterClient cluster = RedisClusterClient.create(resources, uris);
                client = cluster;
                cluster.setOptions(logOptions(ClusterClientOptions.builder(), options)
                        .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                                .enablePeriodicRefresh(Duration.ofSeconds(30)).build())
                        .build());
            } else {
                RedisClient single = RedisClient.create(resources, uris.get(0));
                client = single;
                single.setOptions(logOptions(ClientOptions.builder(), options).build());
            }
            StatefulConnection<String, byte[]> connection = connect(client);
            loadAtStart(connection, scripts, target);
            StatefulConnection<String, byte[]> reading = connect(client);
            RedisConnection opened = new RedisConnection(options, resources, client, connection, reading, events,
                    probeChannel, scripts);
            opened.subscription = opened.newSubscription();
            opened.startWatching();
            return opened;
        } catch (RedisException | CompletionException e) {
            if (client != null) {
                client.shutdown(0, options.timeout().toMillis(), TimeUnit.MILLISECONDS);
            }
            resources.shutdown(0, options.timeout().toMillis(), TimeUnit.MILLISECONDS);
            throw new RedisUnavailableException("cannot reach " + target.describe() + " (" + rootMessage(e)
                    + "): start Redis there, or check --redis (host, port, password, rediss:// for TLS, and that the "
                    + "port is Redis's)", e);
        }
    }

    /** A connection for commands, routed by key in a Redis Cluster. */
    private static StatefulConnection<String, byte[]> connect(AbstractRedisClient client) {
        if (client instanceof RedisClusterClient cluster) {
            StatefulRedisClusterConnection<String, byte[]> clustered = cluster.connect(CODEC);
            // Lettuce opens a connection to each master on first use, and a command on one still connecting is
            // refused like one on a lost connection: open them all now, so that no first command is.
            clustered.getPartitions().forEach(node -> clustered.getConnection(node.getUri().getHost(),
                    node.getUri().getPort()).sync().ping());
            return clustered;
        }
        return ((RedisClient) client).connect(CODEC);
    }

    /** The commands of {@code connection}. */
    private static RedisClusterAsyncCommands<String, byte[]> commandsOf(StatefulConnection<String, byte[]> connection) {
        return connection instanceof StatefulRedisClusterConnection<String, byte[]> clustered ? clustered.async()
                : ((StatefulRedisConnection<String, byte[]>) connection).async();
    }

    /**
     * Loads the scripts before the node serves. Redis refusing the command (an ACL user without {@code SCRIPT}, a
     * managed Redis that disables it) is no reason not to start: a script Redis lacks is sent whole when run.
     */
    private static void loadAtStart(StatefulConnection<String, byte[]> connection, List<String> scripts,
                                    RedisTarget target) {
        try {
            loadEverywhere(connection, scripts).join();
        } catch (CompletionException e) {
            if (!(rootOf(e) instanceof RedisCommandExecutionException)) {
                throw e;
            }
            log.warn("{} refused SCRIPT LOAD ({}): the topic script is sent whole where missing; a publish that "
                    + "meets a cache without it may then be numbered after a later one of its publisher",
                    target.describe(), rootMessage(e));
        }
    }

    /**
     * Loads {@code scripts} into the script cache of every master {@code connection} reaches. Run by its digest, a
     * script Redis does not have fails and is sent again whole; a publish that fails so while a later one of the
     * same publisher finds the script (another node loaded it meanwhile) would be numbered after it. Loading them
     * before any is run, and again after every reconnect, keeps that to publishes in flight while Redis loses its
     * cache (a restart, a failover).
     */
    private static CompletableFuture<Void> loadEverywhere(StatefulConnection<String, byte[]> connection,
                                                          List<String> scripts) {
        List<CompletableFuture<String>> loads = new ArrayList<>();
        if (connection instanceof StatefulRedisClusterConnection<String, byte[]> clustered) {
            for (RedisClusterNode node : clustered.getPartitions()) {
                if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
                    RedisClusterAsyncCommands<String, byte[]> master = clustered.getConnection(
                            node.getUri().getHost(), node.getUri().getPort()).async();
                    scripts.forEach(script -> loads.add(master.scriptLoad(script).toCompletableFuture()));
                }
            }
        } else {
            RedisClusterAsyncCommands<String, byte[]> single = ((StatefulRedisConnection<String, byte[]>) connection)
                    .async();
            scripts.forEach(script -> loads.add(single.scriptLoad(script).toCompletableFuture()));
        }
        return CompletableFuture.allOf(loads.toArray(CompletableFuture[]::new));
    }

    /**
     * Sets a log's options on {@code builder}: refuse rather than queue while disconnected, bounded, timed, never
     * replayed. Set on each client's own builder: {@code ClusterClientOptions.builder(ClientOptions)} leaves out the
     * replay filter.
     */
    static <B extends ClientOptions.Builder> B logOptions(B builder, RedisOptions options) {
        builder.autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .requestQueueSize(options.maxQueued())
                .protocolVersion(ProtocolVersion.RESP2)
                .timeoutOptions(TimeoutOptions.enabled(options.timeout()))
                .socketOptions(SocketOptions.builder().connectTimeout(options.timeout()).keepAlive(true).build())
                // Lettuce would send commands cut off by a disconnect again once reconnected (at least once): a
                // publish script run twice takes two numbers. Fail them instead; the publisher is not acknowledged.
                .replayFilter(command -> {
                    command.completeExceptionally(new RedisException("the connection to Redis was lost before "
                            + "it answered; not sent again"));
                    return true;
                });
        return builder;
    }

    private StatefulRedisPubSubConnection<String, byte[]> newSubscription() {
        StatefulRedisPubSubConnection<String, byte[]> created = client instanceof RedisClusterClient cluster
                ? cluster.connectPubSub(CODEC) : ((RedisClient) client).connectPubSub(CODEC);
        created.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, byte[] message) {
                if (channel.equals(probeChannel)) {
                    lastProbeNanos.set(System.nanoTime());
                } else {
                    events.message(channel, message);
                }
            }

            @Override
            public void message(String pattern, String channel, byte[] message) {
                events.patternMessage(channel, message);
            }
        });
        created.sync().subscribe(probeChannel);
        return created;
    }

    private void startWatching() {
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress address) {
                // A reconnect: the subscription may have missed messages while it was down, and Redis may have
                // restarted without its script cache.
                if (!closed) {
                    // Off Lettuce's I/O thread (on a Redis Cluster, reaching a master may wait for its connection),
                    // and once for the reconnects that come together (each connection, each master's), not once
                    // each: every load goes to every master, every catch-up reads every followed topic.
                    onceOnTimer(recoverPending, RedisConnection.this::recover);
                    onceOnTimer(reloadPending, RedisConnection.this::loadScriptsAgain);
                }
            }
        });
        long interval = options.probeInterval().toNanos();
        timer.scheduleWithFixedDelay(this::probe, interval, interval, TimeUnit.NANOSECONDS);
    }

    /** The commands of the command connection, routed by key in a Redis Cluster: for writes. */
    RedisClusterAsyncCommands<String, byte[]> commands() {
        return commands;
    }

    /**
     * The commands of the read connection: for reads of the topics' state and logs, which on the command connection
     * would wait for Redis's answers to every publish this node sent before them (tens of megabytes, when a
     * publisher floods it), and for the probe, which must tell how Redis answers, not how deep that queue is. Not
     * read-only: reading a topic's state makes the topic if Redis does not know it (so no replica may serve it).
     */
    RedisClusterAsyncCommands<String, byte[]> reads() {
        return reads;
    }

    /** Runs {@code task} on the watcher thread, once for all the asks that come before it starts. */
    private void onceOnTimer(AtomicBoolean pending, Runnable task) {
        if (pending.compareAndSet(false, true)) {
            timer.execute(() -> {
                pending.set(false);
                task.run();
            });
        }
    }

    /** Loads the scripts into every master again after a reconnect: Redis may have restarted without them. */
    private void loadScriptsAgain() {
        CompletableFuture<Void> loading;
        try {
            loading = loadEverywhere(connection, scripts);
        } catch (RuntimeException e) {
            loading = CompletableFuture.failedFuture(e);
        }
        loading.whenComplete((ignored, failure) -> {
            if (failure != null) {
                log.info("loading the topic script again into {} failed ({}); it is sent whole where missing",
                        options.target().describe(), rootMessage(failure));
            }
        });
    }

    /** Subscribes to {@code channel}; completes once Redis confirmed. */
    CompletableFuture<Void> subscribe(String channel) {
        channels.add(channel);
        return subscription.async().subscribe(channel).toCompletableFuture();
    }

    /** Subscribes to the channels {@code glob} matches. */
    void psubscribe(String glob) {
        patterns.add(glob);
        subscription.async().psubscribe(glob);
    }

    /** Unsubscribes from the channels {@code glob} matches. */
    void punsubscribe(String glob) {
        if (patterns.remove(glob) && !closed) {
            subscription.async().punsubscribe(glob);
        }
    }

    /** Unsubscribes from {@code channel}. */
    void unsubscribe(String channel) {
        if (channels.remove(channel) && !closed) {
            subscription.async().unsubscribe(channel);
        }
    }

    /** Publishes a probe, and replaces the subscription connection if earlier probes did not come back. */
    private void probe() {
        try {
            probeOnce();
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again: the watch must outlive any one failure.
            markDown(e);
        }
    }

    private void probeOnce() {
        if (closed) {
            return;
        }
        long silentNanos = System.nanoTime() - lastProbeNanos.get();
        boolean silent = silentNanos > PROBES_MISSED * options.probeInterval().toNanos();
        reads.publish(probeChannel, Long.toString(probesSent.incrementAndGet()).getBytes(StandardCharsets.US_ASCII))
                .whenComplete((receivers, failure) -> {
                    if (failure != null) {
                        markDown(failure);
                    } else if (!up.get()) {
                        markUp();
                    } else if (silent) {
                        log.warn("the subscription connection to {} delivered none of this server's probes for {} "
                                        + "ms although Redis answers: replacing it and catching up from the logs",
                                options.target().describe(), TimeUnit.NANOSECONDS.toMillis(silentNanos));
                        timer.execute(this::replaceSubscription);
                    }
                });
    }

    private void markDown(Throwable failure) {
        if (up.compareAndSet(true, false)) {
            downSinceMillis = System.currentTimeMillis();
            log.warn("{} is unreachable ({}): publishes are refused and resumes asked to retry until it is back; "
                    + "clients stay connected", options.target().describe(), rootMessage(failure));
        }
    }

    private void markUp() {
        if (up.compareAndSet(false, true)) {
            // Probes sent while Redis did not answer never came back: that says nothing about the subscription.
            lastProbeNanos.set(System.nanoTime());
            log.info("{} is reachable again after {} ms: catching up every followed topic from its log",
                    options.target().describe(), System.currentTimeMillis() - downSinceMillis);
            timer.execute(this::recover);
        }
    }

    /** A new subscription connection in place of one that stopped delivering. */
    private void replaceSubscription() {
        if (closed) {
            return;
        }
        StatefulRedisPubSubConnection<String, byte[]> old = subscription;
        try {
            subscription = newSubscription();
        } catch (RedisException e) {
            log.warn("cannot open a new subscription connection to {} ({}); trying again at the next probe",
                    options.target().describe(), rootMessage(e));
            return;
        }
        subscriptionsReplaced.incrementAndGet();
        lastProbeNanos.set(System.nanoTime());
        old.closeAsync();
        recover();
    }

    /**
     * Subscribes every channel again (Redis ignores a repeat) and, once confirmed, tells the owner to catch up:
     * messages published from then on arrive live, and those before are in the logs.
     */
    private void recover() {
        if (closed || !recovering.compareAndSet(false, true)) {
            return;
        }
        String[] all = channels.toArray(String[]::new);
        String[] globs = patterns.toArray(String[]::new);
        CompletableFuture<Void> subscribed = CompletableFuture.allOf(
                all.length == 0 ? CompletableFuture.completedFuture(null)
                        : subscription.async().subscribe(all).toCompletableFuture(),
                globs.length == 0 ? CompletableFuture.completedFuture(null)
                        : subscription.async().psubscribe(globs).toCompletableFuture());
        subscribed.whenComplete((ignored, failure) -> {
            recovering.set(false);
            if (failure != null) {
                // Disconnected again meanwhile: try until it holds, or messages missed would wait for the next.
                log.debug("subscribing again to {} failed ({}); trying again", options.target().describe(),
                        rootMessage(failure));
                schedule(this::recover, RECOVER_RETRY_MILLIS);
                return;
            }
            recoveries.incrementAndGet();
            events.recovered();
        });
    }

    /** Whether Redis answered the last probe. */
    boolean isUp() {
        return up.get();
    }

    /** How many times the subscription caught up after it may have missed messages. */
    long recoveries() {
        return recoveries.get();
    }

    /** How many times a silent subscription connection was replaced. */
    long subscriptionsReplaced() {
        return subscriptionsReplaced.get();
    }

    /** Runs {@code task} on the watcher thread after {@code delayMillis}. */
    void schedule(Runnable task, long delayMillis) {
        if (!closed) {
            timer.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        }
    }

    /** The innermost cause of a failure. */
    static Throwable rootOf(Throwable failure) {
        return Causes.root(failure);
    }

    /** The innermost message of a failure, for log lines and errors. */
    static String rootMessage(Throwable failure) {
        Throwable root = rootOf(failure);
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        try {
            subscription.close();
            reading.close();
            connection.close();
        } finally {
            client.shutdown(0, options.timeout().toMillis(), TimeUnit.MILLISECONDS);
            resources.shutdown(0, options.timeout().toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
