package dev.fanout.server;

import dev.fanout.protocol.ByteSize;
import dev.fanout.protocol.frame.Frames;
import dev.fanout.protocol.line.Lines;
import dev.fanout.hub.PublishDedup;
import dev.fanout.server.control.ControlOptions;
import dev.fanout.server.control.SubscriptionBudget;
import dev.fanout.server.http.HttpOptions;
import dev.fanout.server.websocket.WebSocketOptions;
import dev.fanout.server.session.PublishLimits;
import dev.fanout.server.session.QueueLimits;
import dev.fanout.server.session.SessionContext;
import dev.fanout.store.HistoryLimits;
import dev.fanout.store.disk.DiskOptions;
import dev.fanout.store.redis.RedisOptions;
import dev.fanout.server.session.SlowConsumerPolicy;
import dev.fanout.server.tls.TlsOptions;
import dev.fanout.server.auth.AuthOptions;
import java.time.Duration;
import java.util.List;

/**
 * Everything the server is told at start. Immutable; made by {@link #builder()}, which checks each value and
 * the rules between values, and names the setting (by its {@code fanout serve} flag, which is what people
 * type) and the value in its error.
 *
 * @param hosts        addresses to listen on; the default is loopback over IPv4 and IPv6
 * @param framesPort   the frames listener's port; 0 picks a free one
 * @param linesPort    the lines listener's port; 0 picks a free one
 * @param http         the HTTP listener (health, metrics, stats, operator actions)
 * @param defaultTopic the topic raw frames clients use and chat clients start in
 * @param serverName   the name the greeting gives
 * @param transport    the I/O transport
 * @param ioThreads    event-loop threads; 0 means one per core
 * @param lineFlush    how long a partial line may idle before it counts as complete; zero turns this off
 * @param drainTimeout how long shutdown may spend delivering what is queued; {@link #SHUTDOWN_GRACE} follows it
 * @param limits       resource limits
 * @param history      what topics' history holds
 * @param control      control mode's keepalive, subscription and de-duplication settings
 * @param allowPublish whether clients may publish to topics that sources feed
 * @param disk         where history lives on disk ({@code --data-dir}), or null to keep it in memory
 * @param redis        the Redis whose shared history makes this server a cluster node ({@code --redis}), or null
 * @param tls          TLS for the listeners ({@code --tls-cert} and the flags that go with it), or null for none
 * @param auth         who may connect and do what ({@code --auth} and the flags that go with it), or null: anyone
 *                     may do anything
 */
public record ServerOptions(List<String> hosts, int framesPort, int linesPort, HttpOptions http, String defaultTopic,
                            String serverName, TransportChoice transport, int ioThreads, Duration lineFlush,
                            Duration drainTimeout, LimitOptions limits, HistoryLimits history,
                            ControlOptions control, boolean allowPublish, DiskOptions disk, RedisOptions redis,
                            TlsOptions tls, AuthOptions auth) {

    /** Default frames port. */
    public static final int DEFAULT_FRAMES_PORT = 7070;
    /** Default lines port. */
    public static final int DEFAULT_LINES_PORT = 7071;
    /** Default topic: also the room chat clients start in, so chat and streams meet by default. */
    public static final String DEFAULT_TOPIC = "lobby";
    /** Default hosts: loopback only, both IP versions; remote clients need an explicit {@code --host}. */
    public static final List<String> DEFAULT_HOSTS = List.of("127.0.0.1", "::1");
    /** Default drain time at shutdown: 5 s. */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(5);
    /**
     * After the drain timeout, the most a shutdown spends, in total, on cutting off the clients still not done,
     * closing their connections and stopping the event loops: 1 s, whatever the number of clients or event
     * loops. Cutting off a client costs the server microseconds per queued message on an event loop that
     * answers; a second is ample for that with room for a collection pause, and short enough that the
     * deadline an operator sets stays the one that matters. Fixed: the drain timeout is the setting.
     */
    public static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(1);

    /**
     * The most {@link FanoutServer#close()} takes: the drain timeout, then {@link #SHUTDOWN_GRACE} to cut off
     * whoever is left and stop.
     */
    public Duration shutdownTimeout() {
        return drainTimeout.plus(SHUTDOWN_GRACE);
    }

    /** A builder holding every default. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link ServerOptions}; every setter takes the value as given and {@link #build()} checks them. */
    public static final class Builder {
        private List<String> hosts = DEFAULT_HOSTS;
        private int framesPort = DEFAULT_FRAMES_PORT;
        private int linesPort = DEFAULT_LINES_PORT;
        private int httpPort = HttpOptions.DEFAULT_PORT;
        private int recentCloses = HttpOptions.DEFAULT_RECENT_CLOSES;
        private int metricsTopics = HttpOptions.DEFAULT_METRICS_TOPICS;
        private int maxHttpConnections = HttpOptions.DEFAULT_MAX_CONNECTIONS;
        private int maxWebSockets = WebSocketOptions.DEFAULT_MAX_WEBSOCKETS;
        private int maxWebSocketMessage = WebSocketOptions.DEFAULT_MAX_MESSAGE;
        private List<String> webSocketOrigins = List.of();
        private String defaultTopic = DEFAULT_TOPIC;
        private String serverName = "fanout";
        private TransportChoice transport = TransportChoice.AUTO;
        private int ioThreads;
        private Duration lineFlush = Lines.DEFAULT_LINE_FLUSH;
        private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
        private int maxClients = LimitOptions.DEFAULT_MAX_CLIENTS;
        /** Null until set: then the default, {@link LimitOptions#DEFAULT_MAX_CLIENTS_PER_ADDRESS} at most. */
        private Integer maxClientsPerAddress;
        private int maxFrame = Frames.DEFAULT_MAX_FRAME;
        private int maxLine = Lines.DEFAULT_MAX_LINE;
        private int maxTopics = LimitOptions.DEFAULT_MAX_TOPICS;
        private long publishBacklog = LimitOptions.DEFAULT_PUBLISH_BACKLOG;
        private long queueBytes = QueueLimits.DEFAULT_MAX_BYTES;
        private int queueMessages = QueueLimits.DEFAULT_MAX_MESSAGES;
        private SlowConsumerPolicy slowConsumer = SlowConsumerPolicy.DISCONNECT;
        private Long queueSoftBytes;
        private Duration queueSoftTime = QueueLimits.DEFAULT_SOFT_TIME;
        private long totalQueueBytes = LimitOptions.defaultTotalQueueBytes();
        private long totalInboundBytes = LimitOptions.defaultTotalInboundBytes();
        private Duration frameTimeout = LimitOptions.DEFAULT_FRAME_TIMEOUT;
        private Duration keepAlive = LimitOptions.DEFAULT_KEEPALIVE;
        private int history = HistoryLimits.DEFAULT_MAX_MESSAGES;
        private long historyBytes = HistoryLimits.DEFAULT_MAX_BYTES;
        private long historyTotalBytes = HistoryLimits.defaultTotalBytes();
        private Duration pingInterval = ControlOptions.DEFAULT_PING_INTERVAL;
        private Duration pingTimeout = ControlOptions.DEFAULT_PING_TIMEOUT;
        private int maxSubscriptions = ControlOptions.DEFAULT_MAX_SUBSCRIPTIONS;
        private Duration dedupWindow = PublishDedup.DEFAULT_WINDOW;
        private int dedupEntries = PublishDedup.DEFAULT_MAX_ENTRIES;
        private int maxTotalSubscriptions = SubscriptionBudget.DEFAULT_MAX;
        private Duration closeGrace = SessionContext.DEFAULT_CLOSE_GRACE;
        private Duration handshakeTimeout = LimitOptions.DEFAULT_HANDSHAKE_TIMEOUT;
        private int connectRate = LimitOptions.DEFAULT_CONNECT_RATE;
        private long publishRate;
        private long publishBytesRate;
        private Duration idleTimeout = Duration.ZERO;
        private boolean allowPublish;
        private Duration historyAge = Duration.ZERO;
        private DiskOptions disk;
        private RedisOptions redis;
        private TlsOptions tls;
        private AuthOptions auth;

        private Builder() {
        }

        public Builder hosts(List<String> value) {
            hosts = List.copyOf(value);
            return this;
        }

        public Builder framesPort(int value) {
            framesPort = value;
            return this;
        }

        public Builder linesPort(int value) {
            linesPort = value;
            return this;
        }

        /** The HTTP listener's port; {@link HttpOptions#OFF} for none. */
        public Builder httpPort(int value) {
            httpPort = value;
            return this;
        }

        public Builder recentCloses(int value) {
            recentCloses = value;
            return this;
        }

        public Builder metricsTopics(int value) {
            metricsTopics = value;
            return this;
        }

        public Builder maxHttpConnections(int value) {
            maxHttpConnections = value;
            return this;
        }

        public Builder maxWebSockets(int value) {
            maxWebSockets = value;
            return this;
        }

        public Builder maxWebSocketMessage(int value) {
            maxWebSocketMessage = value;
            return this;
        }

        public Builder webSocketOrigins(List<String> value) {
            webSocketOrigins = List.copyOf(value);
            return this;
        }

        public Builder defaultTopic(String value) {
            defaultTopic = value;
            return this;
        }

        public Builder serverName(String value) {
            serverName = value;
            return this;
        }

        public Builder transport(TransportChoice value) {
            transport = value;
            return this;
        }

        public Builder ioThreads(int value) {
            ioThreads = value;
            return this;
        }

        public Builder lineFlush(Duration value) {
            lineFlush = value;
            return this;
        }

        public Builder drainTimeout(Duration value) {
            drainTimeout = value;
            return this;
        }

        public Builder maxClients(int value) {
            maxClients = value;
            return this;
        }

        /**
         * 0 means the same as {@code maxClients}; unset, it is {@link LimitOptions#DEFAULT_MAX_CLIENTS_PER_ADDRESS}
         * or {@code maxClients}, whichever is smaller.
         */
        public Builder maxClientsPerAddress(int value) {
            maxClientsPerAddress = value;
            return this;
        }

        public Builder maxFrame(int value) {
            maxFrame = value;
            return this;
        }

        public Builder maxLine(int value) {
            maxLine = value;
            return this;
        }

        public Builder maxTopics(int value) {
            maxTopics = value;
            return this;
        }

        public Builder publishBacklog(long value) {
            publishBacklog = value;
            return this;
        }

        public Builder queueBytes(long value) {
            queueBytes = value;
            return this;
        }

        public Builder queueMessages(int value) {
            queueMessages = value;
            return this;
        }

        /** Queued bytes a client may stay over for {@link #queueSoftTime}; null: a quarter of the queue; 0: off. */
        public Builder queueSoftBytes(Long value) {
            queueSoftBytes = value;
            return this;
        }

        public Builder queueSoftTime(Duration value) {
            queueSoftTime = value;
            return this;
        }

        public Builder slowConsumer(SlowConsumerPolicy value) {
            slowConsumer = value;
            return this;
        }

        public Builder totalQueueBytes(long value) {
            totalQueueBytes = value;
            return this;
        }

        public Builder totalInboundBytes(long value) {
            totalInboundBytes = value;
            return this;
        }

        public Builder frameTimeout(Duration value) {
            frameTimeout = value;
            return this;
        }

        public Builder keepAlive(Duration value) {
            keepAlive = value;
            return this;
        }

        public Builder history(int value) {
            history = value;
            return this;
        }

        public Builder historyBytes(long value) {
            historyBytes = value;
            return this;
        }

        public Builder historyTotalBytes(long value) {
            historyTotalBytes = value;
            return this;
        }

        public Builder pingInterval(Duration value) {
            pingInterval = value;
            return this;
        }

        public Builder pingTimeout(Duration value) {
            pingTimeout = value;
            return this;
        }

        public Builder maxSubscriptions(int value) {
            maxSubscriptions = value;
            return this;
        }

        public Builder dedupWindow(Duration value) {
            dedupWindow = value;
            return this;
        }

        public Builder dedupEntries(int value) {
            dedupEntries = value;
            return this;
        }

        /** How long a client may take over its TLS handshake, and, where anonymous may do nothing, to log in. */
        public Builder handshakeTimeout(Duration value) {
            handshakeTimeout = value;
            return this;
        }

        /** A chat client that sends nothing for this long is closed; zero (the default) turns this off. */
        public Builder idleTimeout(Duration value) {
            idleTimeout = value;
            return this;
        }

        /** Messages per second (and at once) each client may publish; 0 (the default) leaves it unlimited. */
        public Builder publishRate(long value) {
            publishRate = value;
            return this;
        }

        /** Payload bytes per second (and at once) each client may publish; 0 (the default) leaves it unlimited. */
        public Builder publishBytesRate(long value) {
            publishBytesRate = value;
            return this;
        }

        /** New connections per second (and at once) one address may open; 0 turns the limit off. */
        public Builder connectRate(int value) {
            connectRate = value;
            return this;
        }

        public Builder closeGrace(Duration value) {
            closeGrace = value;
            return this;
        }

        /** How long history keeps a message; zero keeps messages whatever their age. */
        public Builder historyAge(Duration value) {
            historyAge = value;
            return this;
        }

        /** Keeps history on disk as {@code value} says; null keeps it in memory. */
        public Builder disk(DiskOptions value) {
            disk = value;
            return this;
        }

        /** Makes the server a node of a cluster whose history is in this Redis; null runs it alone. */
        public Builder redis(RedisOptions value) {
            redis = value;
            return this;
        }

        /** Serves every listener the options do not keep in plaintext over TLS; null serves none. */
        public Builder tls(TlsOptions value) {
            tls = value;
            return this;
        }

        /** Checks who clients are and what they may do; null (the default) lets anyone do anything. */
        public Builder auth(AuthOptions value) {
            auth = value;
            return this;
        }

        public Builder allowPublish(boolean value) {
            allowPublish = value;
            return this;
        }

        public Builder maxTotalSubscriptions(int value) {
            maxTotalSubscriptions = value;
            return this;
        }

        /**
         * Checks every value and returns the options.
         *
         * @throws IllegalArgumentException naming the first setting that is wrong (by its flag), its value and the
         *                                  rule
         */
        public ServerOptions build() {
            require(!hosts.isEmpty(), "--host must name at least one address");
            port("--port", framesPort);
            port("--lines-port", linesPort);
            require(framesPort == 0 || framesPort != linesPort,
                    "--port and --lines-port are both " + framesPort + "; give them different ports");
            if (httpPort != HttpOptions.OFF) {
                port("--http-port", httpPort);
                require(httpPort == 0 || httpPort != framesPort && httpPort != linesPort,
                        "--http-port " + httpPort + " is taken by --port or --lines-port; give it a port of its own");
            }
            require(recentCloses >= 0, "--recent-closes (" + recentCloses + ") must be 0 (none kept) or more");
            require(metricsTopics >= 0, "--metrics-topics (" + metricsTopics + ") must be 0 (all summed) or more");
            require(maxHttpConnections >= 1, "--max-http-connections (" + maxHttpConnections + ") must be at least 1");
            for (String origin : webSocketOrigins) {
                require(origin.equals("*") || origin.matches("(?i)https?://[^/?#\\s]+"), "--ws-origin " + origin
                        + ": give an origin as a browser sends it, scheme and host (and port if not the scheme's "
                        + "own): e.g. https://app.example or http://localhost:8080; or * for any");
            }
            require(maxWebSockets >= 0, "--max-websockets (" + maxWebSockets + ") must be 0 (none) or more");
            require(maxWebSocketMessage >= 1024, "--max-ws-message (" + ByteSize.format(maxWebSocketMessage)
                    + ") must be at least 1 KiB");
            require(defaultTopic != null && defaultTopic.matches("[A-Za-z0-9_.:-]{1,64}"),
                    "--topic '" + defaultTopic + "' must be 1 to 64 letters, digits, _ - . or :");
            require(ioThreads >= 0, "--io-threads (" + ioThreads + ") must be 0 (one per core) or more");
            require(!lineFlush.isNegative(), "--line-flush (" + lineFlush.toMillis()
                    + " ms) must not be negative");
            require(!drainTimeout.isNegative(), "--drain-timeout (" + drainTimeout.toMillis()
                    + " ms) must not be negative");
            require(maxClients >= 1, "--max-clients (" + maxClients + ") must be at least 1");
            require(maxClientsPerAddress == null || maxClientsPerAddress >= 0,
                    "--max-clients-per-address (" + maxClientsPerAddress
                    + ") must be 0 (same as --max-clients) or more");
            require(maxFrame >= 1, "--max-frame (" + maxFrame + ") must be at least 1 byte");
            require(maxLine >= 1, "--max-line (" + maxLine + ") must be at least 1 byte");
            require(maxTopics >= 1, "--max-topics (" + maxTopics + ") must be at least 1");
            require(queueMessages >= 1, "--queue-messages (" + queueMessages + ") must be at least 1");
            long softBytes = queueSoftBytes == null ? queueBytes / 4 : queueSoftBytes;
            require(softBytes >= 0 && softBytes <= queueBytes, "--queue-soft-bytes (" + ByteSize.format(softBytes)
                    + ") must be 0 (off) to --queue-bytes (" + ByteSize.format(queueBytes) + ")");
            require(queueSoftTime.toMillis() >= 1, "--queue-soft-time (" + queueSoftTime.toMillis()
                    + " ms) must be at least 1 ms");
            require(maxFrame <= queueBytes, "--max-frame (" + ByteSize.format(maxFrame)
                    + ") is larger than --queue-bytes ("
                    + ByteSize.format(queueBytes) + "): a client could never be sent a full-size message");
            require(maxFrame <= publishBacklog, "--max-frame (" + ByteSize.format(maxFrame)
                    + ") is larger than --publish-backlog (" + ByteSize.format(publishBacklog) + ")");
            require(queueBytes <= totalQueueBytes, "--queue-bytes (" + ByteSize.format(queueBytes)
                    + ") is larger than --total-queue-bytes (" + ByteSize.format(totalQueueBytes)
                    + "): one client could hold the whole server's budget");
            require(maxFrame <= totalInboundBytes, "--max-frame (" + ByteSize.format(maxFrame)
                    + ") is larger than --total-inbound-bytes (" + ByteSize.format(totalInboundBytes)
                    + "): a full-size frame could never be received");
            require(!frameTimeout.isNegative(), "--frame-timeout (" + frameTimeout.toMillis()
                    + " ms) must not be negative; 0 turns it off");
            require(keepAlive.toSeconds() >= 1, "--keepalive (" + keepAlive.toMillis()
                    + " ms) must be at least 1 s");
            require(!closeGrace.isNegative(), "--close-grace (" + closeGrace.toMillis() + " ms) must not be negative");
            require(!idleTimeout.isNegative(), "--idle-timeout (" + idleTimeout.toMillis() + " ms) must not be "
                    + "negative; 0 turns it off");
            require(publishRate >= 0, "--publish-rate (" + publishRate + ") must be 0 (no limit) or more");
            require(publishBytesRate >= 0, "--publish-bytes-rate (" + publishBytesRate + ") must be 0 (no limit) or "
                    + "more");
            require(connectRate >= 0, "--connect-rate (" + connectRate + ") must be 0 (no limit) or more");
            require(handshakeTimeout.toMillis() > 0, "--handshake-timeout (" + handshakeTimeout.toMillis()
                    + " ms) must be at least 1 ms");
            require(history >= 0, "--history (" + history + ") must be 0 (no history) or more");
            require(historyBytes >= 0, "--history-bytes (" + historyBytes + ") must not be negative");
            require(historyTotalBytes >= 0, "--history-total-bytes (" + historyTotalBytes + ") must not be negative");
            require(!historyAge.isNegative(), "--history-age (" + historyAge.toMillis() + " ms) must not be negative; "
                    + "0 keeps messages whatever their age");
            require(pingInterval.toMillis() >= 1, "--ping-interval (" + pingInterval.toMillis()
                    + " ms) must be at least 1 ms");
            require(pingTimeout.toMillis() >= 1, "--ping-timeout (" + pingTimeout.toMillis()
                    + " ms) must be at least 1 ms");
            require(maxSubscriptions >= 1, "--max-subscriptions (" + maxSubscriptions + ") must be at least 1");
            require(!dedupWindow.isNegative(), "--dedup-window (" + dedupWindow.toMillis()
                    + " ms) must not be negative");
            require(maxTotalSubscriptions >= maxSubscriptions, "--max-total-subscriptions ("
                    + maxTotalSubscriptions + ") is smaller than --max-subscriptions (" + maxSubscriptions + ")");
            require(dedupEntries >= 0, "--dedup-entries (" + dedupEntries + ") must not be negative");
            require(disk == null || redis == null, "--data-dir and --redis do not go together: a cluster node keeps "
                    + "history in Redis (make Redis durable with its appendonly setting); drop one of them");
            int perAddress = maxClientsPerAddress == null
                    ? Math.min(LimitOptions.DEFAULT_MAX_CLIENTS_PER_ADDRESS, maxClients)
                    : maxClientsPerAddress == 0 ? maxClients : maxClientsPerAddress;
            require(perAddress <= maxClients, "--max-clients-per-address (" + maxClientsPerAddress
                    + ") is larger than --max-clients (" + maxClients + ")");
            LimitOptions limits = new LimitOptions(maxClients, perAddress, maxFrame, maxLine, maxTopics,
                    publishBacklog, new QueueLimits(queueBytes, queueMessages, slowConsumer, softBytes,
                    queueSoftTime), totalQueueBytes,
                    totalInboundBytes, frameTimeout, keepAlive, closeGrace, handshakeTimeout, connectRate,
                    new PublishLimits(publishRate, publishBytesRate), idleTimeout);
            HttpOptions http = new HttpOptions(httpPort, recentCloses, metricsTopics, maxHttpConnections,
                    new WebSocketOptions(maxWebSockets, maxWebSocketMessage, webSocketOrigins));
            return new ServerOptions(hosts, framesPort, linesPort, http, defaultTopic, serverName, transport,
                    ioThreads, lineFlush, drainTimeout, limits,
                    new HistoryLimits(history, historyBytes, historyTotalBytes, historyAge),
                    new ControlOptions(pingInterval, pingTimeout, maxSubscriptions, dedupWindow, dedupEntries,
                            maxTotalSubscriptions), allowPublish, disk, redis, tls, auth);
        }

        private static void port(String field, int value) {
            require(value >= 0 && value <= 65535, field + " (" + value + ") must be 0 to 65535; 0 picks a free port");
        }

        private static void require(boolean rule, String message) {
            if (!rule) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
