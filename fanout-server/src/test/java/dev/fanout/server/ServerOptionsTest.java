package dev.fanout.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fanout.protocol.frame.Frames;
import dev.fanout.protocol.line.Lines;
import dev.fanout.server.http.HttpOptions;
import dev.fanout.server.websocket.WebSocketOptions;
import dev.fanout.server.session.QueueLimits;
import dev.fanout.server.session.SessionContext;
import dev.fanout.server.session.SlowConsumerPolicy;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import dev.fanout.hub.PublishDedup;
import dev.fanout.server.control.ControlOptions;
import dev.fanout.server.control.SubscriptionBudget;
import dev.fanout.store.HistoryLimits;
import dev.fanout.store.disk.DiskOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ServerOptionsTest {

    private static ServerOptions.Builder defaults() {
        return ServerOptions.builder();
    }

    private static void assertRejected(UnaryOperator<ServerOptions.Builder> change, String message) {
        assertThatThrownBy(() -> change.apply(defaults()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void build_withNothingSet_usesTheDocumentedDefaults() {
        ServerOptions options = defaults().build();

        assertThat(options.hosts()).containsExactly("127.0.0.1", "::1");
        assertThat(options.framesPort()).isEqualTo(7070);
        assertThat(options.linesPort()).isEqualTo(7071);
        assertThat(options.http()).isEqualTo(new HttpOptions(7080, 100, 100, 256, WebSocketOptions.defaults()));
        assertThat(options.defaultTopic()).isEqualTo("lobby");
        assertThat(options.serverName()).isEqualTo("fanout");
        assertThat(options.transport()).isEqualTo(TransportChoice.AUTO);
        assertThat(options.ioThreads()).isZero();
        assertThat(options.lineFlush()).isEqualTo(Duration.ofMillis(300)).isEqualTo(Lines.DEFAULT_LINE_FLUSH);
        assertThat(options.drainTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(options.shutdownTimeout()).as("the drain timeout and the 1 s grace")
                .isEqualTo(Duration.ofSeconds(6));
        LimitOptions limits = options.limits();
        assertThat(limits.maxClients()).isEqualTo(10_000);
        assertThat(limits.maxClientsPerAddress()).as("below the total, so one address cannot take every place")
                .isEqualTo(1_000);
        assertThat(limits.maxFrame()).isEqualTo(1024 * 1024).isEqualTo(Frames.DEFAULT_MAX_FRAME);
        assertThat(limits.maxLine()).isEqualTo(4096).isEqualTo(Lines.DEFAULT_MAX_LINE);
        assertThat(limits.maxTopics()).isEqualTo(10_000);
        assertThat(limits.publishBacklog()).isEqualTo(64L * 1024 * 1024);
        assertThat(limits.queue()).isEqualTo(new QueueLimits(8L * 1024 * 1024, 256 * 1024,
                SlowConsumerPolicy.DISCONNECT, QueueLimits.DEFAULT_SOFT_BYTES, QueueLimits.DEFAULT_SOFT_TIME));
        long heap = Runtime.getRuntime().maxMemory();
        assertThat(limits.totalQueueBytes()).isEqualTo(Math.min(1L << 30, heap / 4));
        assertThat(limits.totalInboundBytes()).isEqualTo(Math.min(256L << 20, heap / 16));
        assertThat(limits.frameTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(limits.keepAlive()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void maxClientsPerAddress_unset_isTheDefaultButNeverAboveMaxClients() {
        assertThat(defaults().maxClients(12).build().limits().maxClientsPerAddress()).isEqualTo(12);
        assertThat(defaults().maxClients(5000).build().limits().maxClientsPerAddress()).isEqualTo(1_000);
    }

    @Test
    void totalQueueBytes_belowQueueBytes_isRejected() {
        assertRejected(b -> b.queueBytes(2 * 1024 * 1024).totalQueueBytes(1024 * 1024),
                "--queue-bytes (2 MiB) is larger than --total-queue-bytes (1 MiB): one client could hold the whole "
                        + "server's budget");
    }

    @Test
    void totalInboundBytes_belowMaxFrame_isRejected() {
        assertRejected(b -> b.maxFrame(2048).totalInboundBytes(1024),
                "--max-frame (2 KiB) is larger than --total-inbound-bytes (1 KiB): a full-size frame could never be "
                        + "received");
    }

    @Test
    void frameTimeout_negative_isRejected() {
        assertRejected(b -> b.frameTimeout(Duration.ofMillis(-1)),
                "--frame-timeout (-1 ms) must not be negative; 0 turns it off");
    }

    @Test
    void build_withEveryValueSet_keepsThem() {
        ServerOptions options = defaults()
                .hosts(List.of("0.0.0.0")).framesPort(9000).linesPort(9001).defaultTopic("news")
                .serverName("hub").transport(TransportChoice.NIO).ioThreads(3).lineFlush(Duration.ZERO)
                .drainTimeout(Duration.ofSeconds(1)).maxClients(50).maxClientsPerAddress(5).maxFrame(1000)
                .maxLine(200).maxTopics(7).publishBacklog(4000).queueBytes(2000).queueMessages(30)
                .slowConsumer(SlowConsumerPolicy.DROP_OLDEST).totalQueueBytes(5000).totalInboundBytes(6000)
                .frameTimeout(Duration.ofSeconds(7)).keepAlive(Duration.ofSeconds(8)).allowPublish(true)
                .historyAge(Duration.ofMinutes(5)).disk(DiskOptions.in(Path.of("data")))
                .build();

        assertThat(options).isEqualTo(new ServerOptions(List.of("0.0.0.0"), 9000, 9001,
                new HttpOptions(HttpOptions.DEFAULT_PORT, 100, 100, 256, WebSocketOptions.defaults()), "news", "hub",
                TransportChoice.NIO, 3, Duration.ZERO, Duration.ofSeconds(1),
                new LimitOptions(50, 5, 1000, 200, 7, 4000,
                        new QueueLimits(2000, 30, SlowConsumerPolicy.DROP_OLDEST, 500, QueueLimits.DEFAULT_SOFT_TIME),
                        5000, 6000,
                        Duration.ofSeconds(7), Duration.ofSeconds(8), SessionContext.DEFAULT_CLOSE_GRACE,
                        LimitOptions.DEFAULT_HANDSHAKE_TIMEOUT, LimitOptions.DEFAULT_CONNECT_RATE,
                        dev.fanout.server.session.PublishLimits.NONE, Duration.ZERO),
                new HistoryLimits(HistoryLimits.DEFAULT_MAX_MESSAGES, HistoryLimits.DEFAULT_MAX_BYTES,
                        HistoryLimits.defaultTotalBytes(), Duration.ofMinutes(5)),
                new ControlOptions(ControlOptions.DEFAULT_PING_INTERVAL, ControlOptions.DEFAULT_PING_TIMEOUT,
                        ControlOptions.DEFAULT_MAX_SUBSCRIPTIONS, PublishDedup.DEFAULT_WINDOW,
                        PublishDedup.DEFAULT_MAX_ENTRIES, SubscriptionBudget.DEFAULT_MAX), true,
                DiskOptions.in(Path.of("data")), null, null, null));
    }

    @Test
    void maxClientsPerAddress_zero_meansMaxClients() {
        assertThat(defaults().maxClients(12).maxClientsPerAddress(0).build().limits().maxClientsPerAddress())
                .isEqualTo(12);
    }

    @Test
    void maxClientsPerAddress_equalToMaxClients_isAccepted() {
        assertThat(defaults().maxClients(12).maxClientsPerAddress(12).build().limits().maxClientsPerAddress())
                .isEqualTo(12);
    }

    @Test
    void maxClientsPerAddress_aboveMaxClients_isRejected() {
        assertRejected(b -> b.maxClients(12).maxClientsPerAddress(13),
                "--max-clients-per-address (13) is larger than --max-clients (12)");
    }

    @Test
    void maxClientsPerAddress_negative_isRejected() {
        assertRejected(b -> b.maxClientsPerAddress(-1),
                "--max-clients-per-address (-1) must be 0 (same as --max-clients) or more");
    }

    /** Regression: messages named the builder's fields (maxFrame, framesPort), not the flags people type. */
    @Test
    void messages_nameTheFlagsNotTheFields() {
        assertRejected(b -> b.maxFrame(2048).queueBytes(1024),
                "--max-frame (2 KiB) is larger than --queue-bytes (1 KiB): a client could never be sent a full-size "
                        + "message");
        assertRejected(b -> b.lineFlush(Duration.ofMillis(-5)), "--line-flush (-5 ms) must not be negative");
        assertRejected(b -> b.framesPort(7071), "--port and --lines-port are both 7071; give them different ports");
    }

    @Test
    void hosts_empty_isRejected() {
        assertRejected(b -> b.hosts(List.of()), "--host must name at least one address");
    }

    @Test
    void ports_outOfRange_areRejected() {
        assertRejected(b -> b.framesPort(-1), "--port (-1) must be 0 to 65535; 0 picks a free port");
        assertRejected(b -> b.framesPort(65536), "--port (65536) must be 0 to 65535; 0 picks a free port");
        assertRejected(b -> b.linesPort(70000), "--lines-port (70000) must be 0 to 65535; 0 picks a free port");
    }

    @Test
    void ports_theSame_areRejected() {
        assertRejected(b -> b.framesPort(9000).linesPort(9000),
                "--port and --lines-port are both 9000; give them different ports");
    }

    @Test
    void httpPort_mustDifferFromTheOthers_andMayBeOff() {
        assertRejected(b -> b.httpPort(7070), "--http-port 7070 is taken by --port or --lines-port; give it a port "
                + "of its own");
        assertRejected(b -> b.httpPort(70000), "--http-port (70000) must be 0 to 65535; 0 picks a free port");
        assertRejected(b -> b.recentCloses(-1), "--recent-closes (-1) must be 0 (none kept) or more");
        assertRejected(b -> b.metricsTopics(-1), "--metrics-topics (-1) must be 0 (all summed) or more");
        assertRejected(b -> b.maxHttpConnections(0), "--max-http-connections (0) must be at least 1");
        assertRejected(b -> b.webSocketOrigins(List.of("app.example")), "--ws-origin app.example: give an origin as a "
                + "browser sends it, scheme and host (and port if not the scheme's own): e.g. https://app.example or "
                + "http://localhost:8080; or * for any");
        assertThat(defaults().webSocketOrigins(List.of("https://app.example", "http://localhost:8080", "*")).build()
                .http().websocket().origins()).hasSize(3);
        assertThat(defaults().httpPort(HttpOptions.OFF).build().http().enabled()).isFalse();
        assertThat(defaults().framesPort(0).linesPort(0).httpPort(0).build().http().port()).isZero();
    }

    @Test
    void ports_bothZero_areAccepted() {
        ServerOptions options = defaults().framesPort(0).linesPort(0).build();

        assertThat(options.framesPort()).isZero();
        assertThat(options.linesPort()).isZero();
    }

    @Test
    void defaultTopic_notAName_isRejected() {
        assertRejected(b -> b.defaultTopic("two words"),
                "--topic 'two words' must be 1 to 64 letters, digits, _ - . or :");
        assertRejected(b -> b.defaultTopic(""), "--topic '' must be 1 to 64 letters, digits, _ - . or :");
        assertRejected(b -> b.defaultTopic("x".repeat(65)),
                "--topic '" + "x".repeat(65) + "' must be 1 to 64 letters, digits, _ - . or :");
        assertRejected(b -> b.defaultTopic(null), "--topic 'null' must be 1 to 64 letters, digits, _ - . or :");
    }

    @Test
    void defaultTopic_withEveryAllowedCharacter_isAccepted() {
        assertThat(defaults().defaultTopic("a-Z_0.9:x").build().defaultTopic()).isEqualTo("a-Z_0.9:x");
    }

    @Test
    void ioThreads_negative_isRejected() {
        assertRejected(b -> b.ioThreads(-1), "--io-threads (-1) must be 0 (one per core) or more");
    }

    @Test
    void durations_negative_areRejected() {
        assertRejected(b -> b.lineFlush(Duration.ofMillis(-1)), "--line-flush (-1 ms) must not be negative");
        assertRejected(b -> b.drainTimeout(Duration.ofSeconds(-2)), "--drain-timeout (-2000 ms) must not be negative");
    }

    @Test
    void countLimits_belowOne_areRejected() {
        assertRejected(b -> b.maxClients(0), "--max-clients (0) must be at least 1");
        assertRejected(b -> b.maxFrame(0), "--max-frame (0) must be at least 1 byte");
        assertRejected(b -> b.maxLine(0), "--max-line (0) must be at least 1 byte");
        assertRejected(b -> b.maxTopics(0), "--max-topics (0) must be at least 1");
        assertRejected(b -> b.queueMessages(0), "--queue-messages (0) must be at least 1");
    }

    @Test
    void maxFrame_aboveQueueBytes_isRejected() {
        assertRejected(b -> b.maxFrame(2 * 1024 * 1024).queueBytes(1024 * 1024),
                "--max-frame (2 MiB) is larger than --queue-bytes (1 MiB): a client could never be sent a full-size "
                        + "message");
    }

    @Test
    void maxFrame_equalToQueueBytes_isAccepted() {
        assertThat(defaults().maxFrame(1024).queueBytes(1024).build().limits().queue().maxBytes())
                .isEqualTo(1024);
    }

    @Test
    void maxFrame_abovePublishBacklog_isRejected() {
        assertRejected(b -> b.maxFrame(2 * 1024 * 1024).publishBacklog(1536 * 1024),
                "--max-frame (2 MiB) is larger than --publish-backlog (1.5 MiB)");
    }

    @Test
    void build_reportsTheFirstRuleBroken() {
        assertRejected(b -> b.maxClients(0).maxTopics(0), "--max-clients (0) must be at least 1");
    }
}
