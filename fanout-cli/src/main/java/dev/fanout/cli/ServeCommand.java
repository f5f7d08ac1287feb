package dev.fanout.cli;

import dev.fanout.server.FanoutServer;
import dev.fanout.server.ServerOptions;
import dev.fanout.server.TransportChoice;
import dev.fanout.server.console.OperatorConsole;
import dev.fanout.server.session.SlowConsumerPolicy;
import dev.fanout.server.source.StdinSource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fanout serve}: runs the server until a signal or {@code /shutdown}. */
@Command(name = "serve",
        mixinStandardHelpOptions = true,
        showDefaultValues = true,
        sortOptions = false,
        description = {
            "Run a fanout server: raw length-prefixed frames on --port, chat lines on --lines-port.",
            "Stops gracefully on SIGINT/SIGTERM (a second signal stops at once) or /shutdown at the console."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  ./fanout serve                         loopback only, ports 7070 and 7071",
            "  ./fanout serve --host :: --port 9000   all interfaces, IPv4 and IPv6",
            "  tail -f app.log | ./fanout serve --source stdin",
            "                                         each log line becomes a message",
            "  ./fanout serve --slow-consumer drop-oldest --queue-bytes 1MiB",
            "  ./fanout serve --history 10000 --history-bytes 16MiB",
            "                                         more history per topic for resuming clients",
            "  ./fanout serve --port 0 --lines-port 0 free ports, logged at start"
        })
final class ServeCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

    @Option(names = "--host", paramLabel = "ADDRESS",
            description = "Address to listen on; repeat for several. The default is loopback only; "
                    + "'::' accepts IPv6 and IPv4 from anywhere.")
    private List<String> hosts = ServerOptions.DEFAULT_HOSTS;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", description = "Frames port; 0 picks a free one.")
    private int port = ServerOptions.DEFAULT_FRAMES_PORT;

    @Option(names = "--lines-port", paramLabel = "PORT", description = "Lines (telnet) port; 0 picks a free one.")
    private int linesPort = ServerOptions.DEFAULT_LINES_PORT;

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
            description = "Bytes each topic's history may hold, 192 B counted per message besides its payload.")
    private long historyBytes;

    @Option(names = "--history-total-bytes", paramLabel = "SIZE", converter = Converters.Size.class,
            description = "Bytes all topics' history may hold together; past it the oldest messages of the topics "
                    + "are let go in turn. Default: an eighth of the heap, at most 512 MiB.")
    private Long historyTotalBytes;

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

    @Option(names = "--source", paramLabel = "SOURCE",
            description = "Feed the default topic from outside: 'stdin' (one message per line).")
    private String source;

    @Option(names = "--source-format", paramLabel = "FORMAT",
            description = "How --source stdin is cut into messages: lines or frames (4-byte length prefix).")
    private StdinSource.Format sourceFormat = StdinSource.Format.LINES;

    @Option(names = "--console", negatable = true,
            description = "Operator console on stdin (/list, /to, /all, /kick, /stats, /shutdown). "
                    + "Default: on when stdin is a terminal and not a source.")
    private Boolean console;

    @Option(names = "--name", paramLabel = "NAME", description = "Server name in the chat greeting.")
    private String name = "fanout";

    @Override
    public Integer call() throws Exception {
        ServerOptions options = options();
        if (source != null && !source.equals("stdin")) {
            throw new IllegalArgumentException("unknown --source '" + source + "': this version reads 'stdin'");
        }
        boolean useConsole = console != null ? console : System.console() != null && source == null;
        if (useConsole && source != null) {
            throw new IllegalArgumentException("--console and --source stdin both need standard input; "
                    + "choose one");
        }
        FanoutServer server = new FanoutServer(options).start();
        ShutdownWatchdog watchdog = new ShutdownWatchdog(options);
        trapSignals(server, watchdog);
        if (source != null) {
            server.startSource(new StdinSource(System.in, sourceFormat, maxFrame), "stdin");
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

    /** The server options the parsed arguments describe; package-private for tests. */
    ServerOptions options() {
        ServerOptions.Builder builder = ServerOptions.builder()
                .hosts(hosts).framesPort(port).linesPort(linesPort).defaultTopic(topic).serverName(name)
                .transport(transport).ioThreads(ioThreads).lineFlush(lineFlush).drainTimeout(drainTimeout)
                .maxClients(maxClients).maxFrame(maxFrame)
                .maxLine(maxLine).maxTopics(maxTopics).publishBacklog(publishBacklog).queueBytes(queueBytes)
                .queueMessages(queueMessages).slowConsumer(slowConsumer).frameTimeout(frameTimeout)
                .keepAlive(keepAlive).history(history).historyBytes(historyBytes).pingInterval(pingInterval)
                .pingTimeout(pingTimeout).maxSubscriptions(maxSubscriptions).dedupWindow(dedupWindow)
                .dedupEntries(dedupEntries).maxTotalSubscriptions(maxTotalSubscriptions).closeGrace(closeGrace);
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
