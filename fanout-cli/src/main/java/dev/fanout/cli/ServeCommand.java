package dev.fanout.cli;

import dev.fanout.server.FanoutServer;
import dev.fanout.server.ServerOptions;
import dev.fanout.server.http.HttpOptions;
import dev.fanout.server.websocket.WebSocketOptions;
import dev.fanout.store.disk.DiskOptions;
import dev.fanout.store.disk.FsyncPolicy;
import dev.fanout.store.redis.RedisOptions;
import dev.fanout.store.redis.RedisTarget;
import dev.fanout.server.TransportChoice;
import dev.fanout.server.console.OperatorConsole;
import dev.fanout.server.session.SlowConsumerPolicy;
import dev.fanout.server.auth.AuthOptions;
import dev.fanout.server.tls.TlsOptions;
import dev.fanout.client.ReconnectOptions;
import dev.fanout.server.source.Source;
import dev.fanout.source.SourceSettings;
import dev.fanout.source.SourceSpec;
import dev.fanout.source.Sources;
import dev.fanout.source.StreamFormat;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fanout serve}: runs the server until a signal or {@code /shutdown}. */
@Command(name = "serve",
        mixinStandardHelpOptions = true,
        showDefaultValues = true,
        sortOptions = false,
        description = {
            "Run a fanout server: raw length-prefixed frames on --port, chat lines on --lines-port, and /health,",
            "/metrics, /stats and the operator's actions over HTTP on --http-port.",
            "Stops gracefully on SIGINT/SIGTERM (a second signal stops at once) or /shutdown at the console."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  ./fanout serve                         loopback only, ports 7070 and 7071",
            "  ./fanout serve --host :: --port 9000   all interfaces, IPv4 and IPv6",
            "  tail -f app.log | ./fanout serve --source stdin",
            "                                         each log line becomes a message",
            "  ./fanout serve --source prices=tcp://feed.example:9000?format=frames",
            "                                         hold one upstream connection, feed topic prices",
            "  ./fanout serve --source 'http://127.0.0.1:8080/events'",
            "                                         server-sent events (or NDJSON) into the default topic",
            "  ./fanout serve --source 'exec:tail -F /var/log/app.log'",
            "                                         a command's output lines, restarted when it exits",
            "  ./fanout serve --port 7170 --lines-port 7171 --http-port 7180 --source 'fanout://127.0.0.1:7070/>'",
            "                                         relay every topic of another fanout server",
            "  ./fanout serve --slow-consumer drop-oldest --queue-bytes 1MiB",
            "  ./fanout serve --history 10000 --history-bytes 16MiB",
            "                                         more history per topic for resuming clients",
            "  ./fanout serve --data-dir /var/lib/fanout",
            "                                         history on disk: a restart keeps every topic",
            "  ./fanout serve --data-dir data --fsync always --history-age 7d",
            "                                         every ACK on disk; messages kept for a week",
            "  ./fanout serve --redis redis://127.0.0.1:6379",
            "                                         a cluster node: run several on one Redis, each on its",
            "                                         own ports; clients may use any of them",
            "  ./fanout cert --out tls && ./fanout serve --tls-cert tls/cert.pem --tls-key tls/key.pem",
            "                                         both ports over TLS, with a self-signed pair to try",
            "  ./fanout serve --tls-cert cert.pem --tls-key key.pem --plaintext lines",
            "                                         frames over TLS, chat in plaintext",
            "  ./fanout serve --tls-cert cert.pem --tls-key key.pem --auth users.toml",
            "                                         only the users the file names, over TLS",
            "  curl -s 127.0.0.1:7080/stats           every client: queue, messages in and out, and recent closes",
            "  ./fanout serve --port 0 --lines-port 0 --http-port 0",
            "                                         free ports, logged at start"
        })
final class ServeCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

    @Spec
    private CommandSpec spec;

    @Option(names = "--host", paramLabel = "ADDRESS",
            description = "Address to listen on; repeat for several. The default is loopback only; "
                    + "'::' accepts IPv6 and IPv4 from anywhere.")
    private List<String> hosts = ServerOptions.DEFAULT_HOSTS;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", description = "Frames port; 0 picks a free one.")
    private int port = ServerOptions.DEFAULT_FRAMES_PORT;

    @Option(names = "--lines-port", paramLabel = "PORT", description = "Lines (telnet) port; 0 picks a free one.")
    private int linesPort = ServerOptions.DEFAULT_LINES_PORT;

    @Option(names = "--http-port", paramLabel = "PORT", description = "HTTP port: /health, /metrics (Prometheus), "
            + "/stats (JSON) and the operator's actions; 0 picks a free one. Default: ${DEFAULT-VALUE}.")
    private int httpPort = HttpOptions.DEFAULT_PORT;

    @Option(names = "--no-http", description = "Bind no HTTP listener.")
    private boolean noHttp;

    @Option(names = "--max-http-connections", paramLabel = "N", description = "HTTP connections open at once; "
            + "past that a new one is answered 503. Each counts against --max-clients too. Default: ${DEFAULT-VALUE}.")
    private int maxHttpConnections = HttpOptions.DEFAULT_MAX_CONNECTIONS;

    @Option(names = "--log-level", paramLabel = "LEVEL", description = "error, warn, info, debug or trace. "
            + "Default: FANOUT_LOG_LEVEL, else info.")
    private String logLevel;

    @Option(names = "--log-format", paramLabel = "FORMAT", description = "text or json (one object per line, with "
            + "the client's id, address, user, protocol and a close's reason as fields). Default: ${DEFAULT-VALUE}.")
    private LogSettings.Format logFormat = LogSettings.Format.TEXT;

    @Option(names = "--max-websockets", paramLabel = "N", description = "WebSocket clients (/ws) at once; past that "
            + "an upgrade is answered 503. Each counts against --max-clients too. Default: ${DEFAULT-VALUE}.")
    private int maxWebSockets = WebSocketOptions.DEFAULT_MAX_WEBSOCKETS;

    @Option(names = "--max-ws-message", defaultValue = "64KiB", paramLabel = "SIZE",
            converter = Converters.IntSize.class, description = "Largest message a WebSocket client may send, in bytes "
                    + "of JSON; a larger one closes its connection (frame_too_large). Default: ${DEFAULT-VALUE}.")
    private int maxWebSocketMessage;

    @Option(names = "--ws-origin", paramLabel = "ORIGIN", split = ",", description = "A web page origin allowed to "
            + "open WebSockets besides the server's own pages, e.g. https://app.example; repeatable; * allows any.")
    private List<String> webSocketOrigins = new ArrayList<>();

    @Option(names = "--recent-closes", paramLabel = "N", description = "Closes /stats keeps, newest first, with "
            + "their reasons; 0 keeps none. Default: ${DEFAULT-VALUE}.")
    private int recentCloses = HttpOptions.DEFAULT_RECENT_CLOSES;

    @Option(names = "--metrics-topics", paramLabel = "N", description = "Topics with series of their own in "
            + "/metrics (the first N seen); the rest are summed under topic=\"_other\". Default: ${DEFAULT-VALUE}.")
    private int metricsTopics = HttpOptions.DEFAULT_METRICS_TOPICS;

    @Option(names = "--topic", paramLabel = "NAME",
            description = "Default topic: raw frames clients use it; chat clients start in it.")
    private String topic = ServerOptions.DEFAULT_TOPIC;

    @Option(names = "--max-frame", defaultValue = "1MiB", paramLabel = "SIZE", converter = Converters.IntSize.class,
            description = "Largest frame a client may send (checked before anything is read).")
    private int maxFrame;

    @Option(names = "--max-line", defaultValue = "4KiB", paramLabel = "SIZE", converter = Converters.IntSize.class,
            description = "Longest line a lines client may send.")
    private int maxLine;

    @Option(names = "--line-flush", defaultValue = "300ms", paramLabel = "TIME", converter = Converters.Time.class,
            description = "A partial line idle this long counts as complete (for clients that send no "
                    + "newline); 0 turns it off.")
    private Duration lineFlush;

    @Option(names = "--queue-bytes", defaultValue = "8MiB", paramLabel = "SIZE", converter = Converters.Size.class,
            description = "Bytes queued per client before the slow-consumer policy acts.")
    private long queueBytes;

    @Option(names = "--queue-messages", defaultValue = "262144", paramLabel = "N",
            description = "Messages queued per client before the slow-consumer policy acts.")
    private int queueMessages;

    @Option(names = "--queue-soft-bytes", paramLabel = "SIZE", converter = Converters.Size.class,
            description = "With --slow-consumer disconnect, a client whose queue stays over this for --queue-soft-time "
                    + "is cut, though under --queue-bytes: a brief burst passes, a reader that keeps falling behind "
                    + "does not. 0 turns it off. Default: a quarter of --queue-bytes.")
    private Long queueSoftBytes;

    @Option(names = "--queue-soft-time", defaultValue = "30s", paramLabel = "TIME", converter = Converters.Time.class,
            description = "How long a queue may stay over --queue-soft-bytes.")
    private Duration queueSoftTime;

    @Option(names = "--slow-consumer", defaultValue = "disconnect", paramLabel = "POLICY",
            converter = Converters.Policy.class,
            description = "disconnect: tell the client why and close it; drop-oldest: drop its oldest queued "
                    + "messages and tell it how many it missed.")
    private SlowConsumerPolicy slowConsumer;

    @Option(names = "--max-clients", defaultValue = "10000", paramLabel = "N",
            description = "Connections at once; the next is refused at once (raise ulimit -n to match).")
    private int maxClients;

    @Option(names = "--max-clients-per-address", paramLabel = "N",
            description = "Connections at once from one IP address (default 1000, or --max-clients if smaller); "
                    + "0 means the same as --max-clients.")
    private Integer maxClientsPerAddress;

    @Option(names = "--connect-rate", defaultValue = "1000", paramLabel = "N",
            description = "New connections per second (and at once) one IP address may open; more are refused at "
                    + "once, as when full. 0 turns it off (load tests from one machine).")
    private int connectRate;

    @Option(names = "--idle-timeout", defaultValue = "0", paramLabel = "TIME", converter = Converters.Time.class,
            description = "A chat (lines) client that sends nothing for this long is closed, told why. 0: never (chat "
                    + "users idle for hours). Control clients have --ping-timeout; raw readers send nothing by design.")
    private Duration idleTimeout;

    @Option(names = "--publish-rate", defaultValue = "0", paramLabel = "N",
            description = "Messages per second (and at once) each client may publish; a faster one is slowed (its "
                    + "connection is not read until it is within the rate), not cut. 0: no limit. A user of --auth "
                    + "may have its own (publish_rate).")
    private long publishRate;

    @Option(names = "--publish-bytes-rate", defaultValue = "0", paramLabel = "SIZE", converter = Converters.Size.class,
            description = "Payload bytes per second (and at once) each client may publish, as --publish-rate. 0: no "
                    + "limit.")
    private long publishBytesRate;

    @Option(names = "--total-queue-bytes", paramLabel = "SIZE", converter = Converters.Size.class,
            description = "What all clients' queues together may hold, objects counted; when full, the largest "
                    + "queues are cut first. Default: a quarter of the heap, at most 1 GiB.")
    private Long totalQueueBytes;

    @Option(names = "--total-inbound-bytes", paramLabel = "SIZE", converter = Converters.Size.class,
            description = "What frames still arriving may hold, all clients together; when full, connections "
                    + "wait their turn. Default: a sixteenth of the heap, at most 256 MiB.")
    private Long totalInboundBytes;

    @Option(names = "--frame-timeout", defaultValue = "30s", paramLabel = "TIME", converter = Converters.Time.class,
            description = "A frame that has started must finish within this, or its client is cut; 0 turns it off. "
                    + "Clients that send nothing are not affected.")
    private Duration frameTimeout;

    @Option(names = "--keepalive", defaultValue = "10s", paramLabel = "TIME", converter = Converters.Time.class,
            description = "Silence before TCP keepalive probes a connection (then every half of it, 3 tries): "
                    + "how soon a client that vanished, or closed while half-closed, is noticed.")
    private Duration keepAlive;

    @Option(names = "--close-grace", defaultValue = "1s", paramLabel = "TIME", converter = Converters.Time.class,
            description = "Time a client being closed has to take what it was sent and its goodbye before its "
                    + "connection is cut.")
    private Duration closeGrace;

    @Option(names = "--max-topics", defaultValue = "10000", paramLabel = "N",
            description = "Topics (chat rooms) at once.")
    private int maxTopics;

    @Option(names = "--history", defaultValue = "1000", paramLabel = "N",
            description = "Messages each topic keeps for clients that resume or ask for the last few; 0 keeps none.")
    private int history;

    @Option(names = "--history-bytes", defaultValue = "1MiB", paramLabel = "SIZE", converter = Converters.Size.class,
            description = "Bytes each topic's history may hold, counting per message besides its payload 192 B "
                    + "in memory, or its record header and index entry (77 B and its sender's name) on disk.")
    private long historyBytes;

    @Option(names = "--history-total-bytes", paramLabel = "SIZE", converter = Converters.Size.class,
            description = "Bytes all topics' history may hold together; past it the oldest messages of the topics "
                    + "are let go in turn. Default: an eighth of the heap, at most 512 MiB.")
    private Long historyTotalBytes;

    @Option(names = "--history-age", defaultValue = "0", paramLabel = "TIME", converter = Converters.Time.class,
            description = "How long each topic keeps a message, e.g. 10m, 24h or 7d; 0 keeps messages whatever "
                    + "their age.")
    private Duration historyAge;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Keep history on disk in DIR (made if missing; one server per directory): a restart, "
                    + "even after kill -9, keeps every topic's epoch, numbers and messages. Without it, history "
                    + "is kept in memory only.")
    private Path dataDir;

    @Option(names = "--fsync", defaultValue = "interval", paramLabel = "WHEN",
            description = "With --data-dir, when history is forced to the disk: always (before each ACK; publishes "
                    + "share one fsync), interval (every --fsync-interval: a crash of the process loses nothing "
                    + "acknowledged, a power loss at most the interval) or os (left to the system).")
    private String fsync;

    @Option(names = "--fsync-interval", defaultValue = "1s", paramLabel = "TIME", converter = Converters.Time.class,
            description = "With --fsync interval, how often.")
    private Duration fsyncInterval;

    @Option(names = "--data-segment-size", defaultValue = "64MiB", paramLabel = "SIZE",
            converter = Converters.Size.class,
            description = "With --data-dir, the size of each log file (64KiB to 1GiB).")
    private long segmentSize;

    @Option(names = "--redis", paramLabel = "URI", defaultValue = "${env:FANOUT_REDIS}",
            description = "Run as one node of a cluster: topics, their numbering and history live in this Redis, "
                    + "and every fanout serve given the same Redis serves the same topics. redis://HOST:PORT, "
                    + "rediss:// for TLS, redis://USER:SECRET@HOST:PORT with credentials (or set FANOUT_REDIS, "
                    + "which keeps the secret out of the process list), redis-cluster://HOST:PORT,HOST:PORT for a "
                    + "Redis Cluster.")
    private String redis;

    @Option(names = "--redis-timeout", defaultValue = "2s", paramLabel = "TIME", converter = Converters.Time.class,
            description = "With --redis, how long Redis may take to answer before a publish is refused (never "
                    + "acknowledged) and a resuming client is asked to retry.")
    private Duration redisTimeout;

    @Option(names = "--redis-topic-ttl", defaultValue = "30d", paramLabel = "TIME",
            converter = Converters.Time.class,
            description = "With --redis, how long Redis keeps a topic nobody publishes to (its epoch and "
                    + "numbering); after it, the topic starts afresh in a new epoch.")
    private Duration redisTopicTtl;

    @Option(names = "--redis-probe-interval", defaultValue = "1s", paramLabel = "TIME",
            converter = Converters.Time.class,
            description = "With --redis, how often this node checks that its subscription to Redis still "
                    + "delivers; three missed probes and it is replaced, and missed messages read back.")
    private Duration redisProbeInterval;

    @Option(names = "--redis-read-bytes", defaultValue = "32MiB", paramLabel = "SIZE",
            converter = Converters.Size.class,
            description = "With --redis, the most bytes this node's reads of history from Redis (resuming clients, "
                    + "holes filled) may bring back at once; more reads wait.")
    private long redisReadBytes;

    @Option(names = "--ping-interval", defaultValue = "30s", paramLabel = "TIME", converter = Converters.Time.class,
            description = "Silence after which a control-mode client is sent a PING.")
    private Duration pingInterval;

    @Option(names = "--ping-timeout", defaultValue = "10s", paramLabel = "TIME", converter = Converters.Time.class,
            description = "Time a pinged control-mode client has to answer (with anything) before it is closed.")
    private Duration pingTimeout;

    @Option(names = "--max-subscriptions", defaultValue = "1000", paramLabel = "N",
            description = "Subscriptions one control-mode connection may hold; a pattern counts each topic it "
                    + "covers.")
    private int maxSubscriptions;

    @Option(names = "--max-total-subscriptions", defaultValue = "1000000", paramLabel = "N",
            description = "Subscriptions all control-mode connections may hold together, each about 300 bytes.")
    private int maxTotalSubscriptions;

    @Option(names = "--dedup-window", defaultValue = "2m", paramLabel = "TIME", converter = Converters.Time.class,
            description = "How long a publish id is remembered, so that a publisher re-sending after a lost "
                    + "connection does not publish twice.")
    private Duration dedupWindow;

    @Option(names = "--dedup-entries", defaultValue = "100000", paramLabel = "N",
            description = "Publish ids remembered at once, all clients together; the oldest go first.")
    private int dedupEntries;

    @Option(names = "--publish-backlog", defaultValue = "64MiB", paramLabel = "SIZE",
            converter = Converters.Size.class,
            description = "Bytes published but not yet handed to subscribers; above it publishers pause.")
    private long publishBacklog;

    @Option(names = "--drain-timeout", defaultValue = "5s", paramLabel = "TIME", converter = Converters.Time.class,
            description = "At shutdown, time allowed to deliver what is queued. Then clients still not done are "
                    + "cut off and the server stops, within 1 s more; a process still running 1 s after that "
                    + "is halted with exit status 124.")
    private Duration drainTimeout;

    @Option(names = "--io-threads", paramLabel = "N", description = "Event-loop threads; 0 means one per core.")
    private int ioThreads;

    @Option(names = "--transport", paramLabel = "KIND",
            description = "auto (epoll on Linux, else NIO), epoll or nio.")
    private TransportChoice transport = TransportChoice.AUTO;

    @Option(names = "--source", paramLabel = "[TOPIC=]SOURCE",
            description = "Feed a topic from outside; repeat for several. SOURCE: stdin, tcp://HOST:PORT, "
                    + "http(s)://URL (server-sent events, NDJSON or text), exec:COMMAND, or fanout://HOST:PORT/TOPIC "
                    + "(a relay; patterns allowed). Add ?format=lines|frames|sse|ndjson to choose the cutting. "
                    + "Without TOPIC= it feeds the default topic. See docs/sources.md.")
    private List<String> sources = List.of();

    @Option(names = "--source-format", paramLabel = "FORMAT",
            description = "How stdin, tcp:// and exec: sources cut their bytes when ?format= does not say: lines, or "
                    + "frames (4-byte length prefix).")
    private String sourceFormat = "lines";

    @Option(names = "--allow-publish",
            description = "Let clients publish to topics that sources feed (read-only for clients otherwise).")
    private boolean allowPublish;

    @Option(names = "--source-backoff-initial", defaultValue = "500ms", paramLabel = "TIME",
            converter = Converters.Time.class,
            description = "Wait before reconnecting a source the first time after a loss.")
    private Duration backoffInitial;

    @Option(names = "--source-backoff-max", defaultValue = "30s", paramLabel = "TIME",
            converter = Converters.Time.class, description = "Longest wait between a source's reconnects.")
    private Duration backoffMax;

    @Option(names = "--source-backoff-multiplier", defaultValue = "2", paramLabel = "X",
            description = "How much each wait grows after a failed attempt.")
    private double backoffMultiplier;

    @Option(names = "--source-backoff-jitter", defaultValue = "0.2", paramLabel = "SHARE",
            description = "Random share (0 to 1) each wait moves by, either way, so that sources do not retry in step.")
    private double backoffJitter;

    @Option(names = "--source-idle-timeout", defaultValue = "0", paramLabel = "TIME",
            converter = Converters.Time.class,
            description = "Reconnect a source whose upstream sent nothing for this long; 0 never does (TCP "
                    + "keepalive still notices an upstream that vanished).")
    private Duration sourceIdleTimeout;

    @Option(names = "--source-connect-timeout", defaultValue = "10s", paramLabel = "TIME",
            converter = Converters.Time.class, description = "Most time a source's connection attempt may take.")
    private Duration sourceConnectTimeout;

    @Option(names = "--source-header", paramLabel = "NAME:VALUE",
            description = "Header sent to http(s) sources; repeat for several. Also read from FANOUT_SOURCE_HEADERS "
                    + "(one NAME:VALUE per line). Never logged.")
    private List<String> sourceHeaders = List.of();

    @Option(names = "--source-bearer-token", paramLabel = "TOKEN", showDefaultValue = Help.Visibility.NEVER,
            defaultValue = "${env:FANOUT_SOURCE_BEARER_TOKEN}",
            description = "Sent to http(s) sources as 'Authorization: Bearer TOKEN'. Default: the environment "
                    + "variable FANOUT_SOURCE_BEARER_TOKEN, which keeps it out of ps listings. Never logged.")
    private String sourceBearerToken;

    @Option(names = "--source-ca", paramLabel = "FILE",
            description = "PEM certificates that https:// sources are checked against, instead of the JVM's trust "
                    + "store: for an upstream with a private CA or a self-signed certificate.")
    private Path sourceCa;

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "PEM certificate chain, the server's own first: serves every listener over TLS (1.3 and "
                    + "1.2), with --tls-key. Reloaded on SIGHUP and when the file changes; 'fanout cert' makes a pair "
                    + "to try.")
    private Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE",
            description = "The certificate's private key, PEM, unencrypted; keep it readable by the server's user "
                    + "alone.")
    private Path tlsKey;

    @Option(names = "--tls-client-ca", paramLabel = "FILE",
            description = "Mutual TLS: clients must show a certificate issued by one of these PEM certificates (or "
                    + "one of them itself); others are refused during the handshake.")
    private Path tlsClientCa;

    @Option(names = "--plaintext", paramLabel = "LISTENER", split = ",",
            description = "Keep this listener (frames, lines or http) in plaintext beside the TLS one, e.g. lines for "
                    + "telnet on a trusted network.")
    private List<String> plaintext = new ArrayList<>();

    @Option(names = "--handshake-timeout", defaultValue = "10s", paramLabel = "TIME",
            converter = Converters.Time.class,
            description = "A client must finish its TLS handshake within this, and, where --auth lets anonymous do "
                    + "nothing, say HELLO or /login; else it is closed and counted.")
    private Duration handshakeTimeout;

    @Option(names = "--auth", paramLabel = "FILE",
            description = "Users, their hashed secrets and what each may publish and subscribe to (TOML; see "
                    + "docs/security.md); anonymous may then do nothing unless the file grants it. Reloaded on "
                    + "SIGHUP. 'fanout passwd' makes the hashes.")
    private Path auth;

    @Option(names = "--max-login-failures", defaultValue = "5", paramLabel = "N",
            description = "Failed logins from one address within --login-failure-window before its logins are "
                    + "refused for the rest of the window.")
    private int maxLoginFailures;

    @Option(names = "--login-failure-window", defaultValue = "1m", paramLabel = "TIME",
            converter = Converters.Time.class, description = "How long failed logins are counted and held against "
                    + "an address.")
    private Duration loginFailureWindow;

    @Option(names = "--login-failure-addresses", defaultValue = "10000", paramLabel = "N",
            description = "Addresses whose failed logins are remembered at once; past it the oldest are forgotten.")
    private int loginFailureAddresses;

    @Option(names = "--pending-logins", defaultValue = "64", paramLabel = "N",
            description = "Logins waiting for their secret to be checked at once; more are refused (busy). Two "
                    + "are checked at a time, each holding its hash's memory (19 MiB for fanout passwd's).")
    private int pendingLogins;

    @Option(names = "--console", negatable = true,
            description = "Operator console on stdin (/list, /to, /all, /kick, /stats, /sources, /shutdown). "
                    + "Default: on when stdin is a terminal and not a source.")
    private Boolean console;

    @Option(names = "--name", paramLabel = "NAME", description = "Server name in the chat greeting.")
    private String name = "fanout";

    @Override
    public Integer call() throws Exception {
        LogSettings.apply(logLevel == null ? null : LogSettings.level(logLevel), logFormat);
        ServerOptions options = options();
        List<Source> feeds = sources(options.defaultTopic());
        boolean readsStdin = sources.stream().map(SourceSpec::parse).anyMatch(s -> s.kind() == SourceSpec.Kind.STDIN);
        boolean useConsole = console != null ? console : System.console() != null && !readsStdin;
        if (useConsole && readsStdin) {
            throw new IllegalArgumentException("--console and --source stdin both need standard input; "
                    + "choose one");
        }
        FanoutServer server = new FanoutServer(options);
        feeds.forEach(server::addSource);
        server.start();
        ShutdownWatchdog watchdog = new ShutdownWatchdog(options);
        trapSignals(server, watchdog);
        // SIGHUP reloads what can change under a running server, as nginx and Mosquitto do.
        boolean hup = SignalTrap.install("HUP", () -> startDaemon("fanout-reload", () -> {
            server.reloadTls("SIGHUP");
            server.reloadAuth("SIGHUP");
        }));
        if (!hup && (options.tls() != null || options.auth() != null)) {
            // Under nohup SIGHUP is ignored from the start, and the JVM will not take it back.
            log.warn("SIGHUP cannot be trapped here (it is ignored, as under nohup): the TLS certificate still "
                    + "reloads when its files change, but the auth file is read again only at a restart; start the "
                    + "server without nohup (a service manager, or setsid) to reload on SIGHUP");
        }
        if (useConsole) {
            startConsole(server, () -> {
                watchdog.arm();
                server.close();
            });
        }
        server.closeFuture().join();
        return 0;
    }

    /**
     * The sources the arguments name, not started; checked before the server starts, so a mistyped one stops it
     * with a clear error. Package-private for tests.
     */
    List<Source> sources(String defaultTopic) {
        if (sources.stream().map(SourceSpec::parse).filter(s -> s.kind() == SourceSpec.Kind.STDIN).count() > 1) {
            throw new IllegalArgumentException("--source stdin is given twice; standard input can feed one source");
        }
        SourceSettings settings = sourceSettings();
        return sources.stream()
                .map(argument -> Sources.create(SourceSpec.parse(argument), settings, defaultTopic, System.in))
                .toList();
    }

    /** The --source-* flags. */
    SourceSettings sourceSettings() {
        ReconnectOptions backoff;
        try {
            backoff = new ReconnectOptions(0, backoffInitial, backoffMax, backoffMultiplier, backoffJitter);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage()
                    .replace("reconnect initialWait", "--source-backoff-initial")
                    .replace("reconnect maxWait", "--source-backoff-max")
                    .replace("reconnect multiplier", "--source-backoff-multiplier")
                    .replace("reconnect jitter", "--source-backoff-jitter"));
        }
        Map<String, String> headers = new LinkedHashMap<>();
        String fromEnvironment = System.getenv("FANOUT_SOURCE_HEADERS");
        if (fromEnvironment != null) {
            fromEnvironment.lines().filter(line -> !line.isBlank())
                    .forEach(line -> addHeader(headers, line, "FANOUT_SOURCE_HEADERS"));
        }
        sourceHeaders.forEach(header -> addHeader(headers, header, "--source-header"));
        String token = sourceBearerToken == null || sourceBearerToken.isBlank() ? null : sourceBearerToken.strip();
        if (sourceCa != null && !Files.isReadable(sourceCa)) {
            throw new IllegalArgumentException("--source-ca " + sourceCa + " cannot be read; give a PEM file of the "
                    + "certificates to trust for https:// sources");
        }
        return new SourceSettings(backoff, sourceIdleTimeout, sourceConnectTimeout, StreamFormat.of(sourceFormat),
                headers, token, sourceCa);
    }

    private static void addHeader(Map<String, String> headers, String header, String where) {
        int colon = header.indexOf(':');
        if (colon <= 0 || !header.substring(0, colon).strip().matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
            // The value may be a secret: the error names the header's shape, never its text.
            throw new IllegalArgumentException(where + " needs NAME:VALUE with a header name before the ':' ("
                    + "e.g. X-Api-Key:...); one of its values does not have that shape");
        }
        headers.put(header.substring(0, colon).strip(), header.substring(colon + 1).strip());
    }

    /** The server options the parsed arguments describe; package-private for tests. */
    ServerOptions options() {
        ServerOptions.Builder builder = ServerOptions.builder()
                .hosts(hosts).framesPort(port).linesPort(linesPort)
                .httpPort(noHttp ? HttpOptions.OFF : httpPort).recentCloses(recentCloses).metricsTopics(metricsTopics)
                .maxHttpConnections(maxHttpConnections).maxWebSockets(maxWebSockets)
                .maxWebSocketMessage(maxWebSocketMessage)
                .webSocketOrigins(webSocketOrigins)
                .defaultTopic(topic).serverName(name)
                .transport(transport).ioThreads(ioThreads).lineFlush(lineFlush).drainTimeout(drainTimeout)
                .maxClients(maxClients).maxFrame(maxFrame)
                .maxLine(maxLine).maxTopics(maxTopics).publishBacklog(publishBacklog).queueBytes(queueBytes)
                .queueMessages(queueMessages).slowConsumer(slowConsumer).queueSoftBytes(queueSoftBytes)
                .queueSoftTime(queueSoftTime).connectRate(connectRate)
                .publishRate(publishRate).publishBytesRate(publishBytesRate).idleTimeout(idleTimeout)
                .frameTimeout(frameTimeout)
                .keepAlive(keepAlive).history(history).historyBytes(historyBytes).pingInterval(pingInterval)
                .pingTimeout(pingTimeout).maxSubscriptions(maxSubscriptions).dedupWindow(dedupWindow)
                .dedupEntries(dedupEntries).maxTotalSubscriptions(maxTotalSubscriptions).closeGrace(closeGrace)
                .allowPublish(allowPublish).historyAge(historyAge).disk(diskOptions())
                .redis(redisOptions()).tls(tlsOptions()).auth(authOptions())
                .handshakeTimeout(handshakeTimeout);
        // Unset, these keep the server's defaults, which depend on the heap or on --max-clients.
        if (maxClientsPerAddress != null) {
            builder.maxClientsPerAddress(maxClientsPerAddress);
        }
        if (totalQueueBytes != null) {
            builder.totalQueueBytes(totalQueueBytes);
        }
        if (totalInboundBytes != null) {
            builder.totalInboundBytes(totalInboundBytes);
        }
        if (historyTotalBytes != null) {
            builder.historyTotalBytes(historyTotalBytes);
        }
        return builder.build();
    }

    /** The --auth flags, or null for a server that lets anyone do anything. */
    private AuthOptions authOptions() {
        if (auth == null) {
            warnUnused("--auth: anyone may do anything", "--max-login-failures", "--login-failure-window",
                    "--login-failure-addresses", "--pending-logins");
            return null;
        }
        return new AuthOptions(auth, maxLoginFailures, loginFailureWindow, loginFailureAddresses, pendingLogins);
    }

    /** The --tls-* flags, or null for plaintext listeners. */
    private TlsOptions tlsOptions() {
        if (tlsCert == null && tlsKey == null) {
            warnUnused("--tls-cert and --tls-key: the listeners speak plaintext", "--tls-client-ca", "--plaintext");
            return null;
        }
        if (tlsCert == null || tlsKey == null) {
            throw new IllegalArgumentException(tlsCert == null ? "--tls-key needs --tls-cert, the certificate it is "
                    + "the key of" : "--tls-cert needs --tls-key, the certificate's private key");
        }
        return TlsOptions.of(tlsCert, tlsKey).withClientCa(tlsClientCa).withPlaintext(Set.copyOf(plaintext));
    }

    /** The --redis flags, or null for a server on its own. */
    private RedisOptions redisOptions() {
        if (redis == null || redis.isBlank()) {
            warnUnused("--redis: this server runs on its own", "--redis-timeout", "--redis-topic-ttl",
                    "--redis-probe-interval", "--redis-read-bytes");
            return null;
        }
        return RedisOptions.of(RedisTarget.parse(redis)).withTimeout(redisTimeout).withTopicTtl(redisTopicTtl)
                .withProbeInterval(redisProbeInterval).withReadBytes(redisReadBytes);
    }

    /** Warns, for each of {@code flags} typed on the command line, that it has no effect {@code without}. */
    private void warnUnused(String without, String... flags) {
        for (String flag : flags) {
            if (matched(flag)) {
                log.warn("{} has no effect without {}", flag, without);
            }
        }
    }

    private boolean matched(String flag) {
        return spec != null && spec.commandLine().getParseResult() != null
                && spec.commandLine().getParseResult().hasMatchedOption(flag);
    }

    /** The --data-dir flags, or null for history in memory; checked even without --data-dir, as they were typed. */
    private DiskOptions diskOptions() {
        FsyncPolicy policy = FsyncPolicy.of(fsync);
        if (dataDir == null) {
            warnUnused("--data-dir: history is kept in memory", "--fsync", "--fsync-interval", "--data-segment-size");
            return null;
        }
        return new DiskOptions(dataDir, policy, fsyncInterval, segmentSize);
    }

    /**
     * First signal: graceful shutdown, with the watchdog armed at once, so that the process ends by the deadline
     * even if the shutdown cannot. Second: exit at once.
     */
    private static void trapSignals(FanoutServer server, ShutdownWatchdog watchdog) {
        AtomicInteger signals = new AtomicInteger();
        Runnable onSignal = () -> {
            if (signals.incrementAndGet() == 1) {
                watchdog.arm();
                log.info("signal received: shutting down gracefully (signal again to stop at once)");
                startDaemon("fanout-shutdown", server::close);
            } else {
                log.warn("second signal: stopping at once");
                Runtime.getRuntime().halt(1);
            }
        };
        boolean trapped = SignalTrap.install("INT", onSignal) & SignalTrap.install("TERM", onSignal);
        if (!trapped) {
            // Without signal handling, a shutdown hook still drains on the first signal.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                watchdog.arm();
                server.close();
            }, "fanout-shutdown"));
        }
    }

    private static void startConsole(FanoutServer server, Runnable shutdown) {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        OperatorConsole operator = new OperatorConsole(server, in, out, shutdown);
        startDaemon("fanout-console", () -> {
            try {
                operator.run();
            } catch (IOException e) {
                log.warn("operator console stopped: {}", e.getMessage());
            }
        });
    }

    private static void startDaemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }
}
