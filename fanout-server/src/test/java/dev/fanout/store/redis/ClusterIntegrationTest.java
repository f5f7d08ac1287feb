package dev.fanout.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.fanout.protocol.control.ControlFrame;
import dev.fanout.protocol.control.ErrorCode;
import dev.fanout.protocol.control.ResumeMode;
import dev.fanout.server.ServerOptions;
import dev.fanout.server.session.CloseReason;
import dev.fanout.server.session.Session;
import dev.fanout.server.testing.ControlClient;
import dev.fanout.server.testing.CuttingProxy;
import dev.fanout.server.testing.RawClient;
import dev.fanout.server.testing.RedisProcess;
import dev.fanout.server.testing.TestServer;
import dev.fanout.store.HistoryLimits;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several fanout servers on one real Redis form a cluster: any node takes publishes to any topic, every node's
 * subscribers get every message in one order with the same numbers, a client resumes on another node where it
 * left the first, and Redis going away or losing its data is survived as the rules say.
 */
class ClusterIntegrationTest {

    @TempDir
    Path directory;
    private RedisProcess redis;
    private final List<TestServer> nodes = new ArrayList<>();

    @BeforeEach
    void startRedis() {
        redis = RedisProcess.start(directory);
    }

    @AfterEach
    void stopAll() {
        nodes.forEach(TestServer::close);
        redis.close();
    }

    private TestServer node() {
        return node(RedisOptions.of(RedisTarget.parse(redis.uri())));
    }

    private TestServer node(RedisOptions options) {
        TestServer node = TestServer.start(builder -> builder.redis(options));
        nodes.add(node);
        return node;
    }

    static ControlFrame.Pub pub(long id, String topic, String text) {
        return new ControlFrame.Pub(id, topic, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    static ControlFrame.Sub sub(int id, String topic) {
        return new ControlFrame.Sub(id, false, ResumeMode.NEW, 0, 0, topic, List.of());
    }

    static ControlFrame.Sub from(int id, String topic, long epoch, long sequence) {
        return new ControlFrame.Sub(id, false, ResumeMode.FROM, epoch, sequence, topic, List.of());
    }

    static String text(ControlFrame.Msg msg) {
        return msg.payload().toString(StandardCharsets.UTF_8);
    }

    /** Publishes {@code n} messages from a new client of {@code node}; returns their ACKs. */
    static List<ControlFrame.Ack> publish(TestServer node, String topic, String prefix, int n)
            throws IOException {
        try (ControlClient writer = ControlClient.connect(node.frames())) {
            for (int i = 1; i <= n; i++) {
                writer.send(pub(i, topic, prefix + i));
            }
            List<ControlFrame.Ack> acks = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                acks.add(writer.read(ControlFrame.Ack.class));
            }
            return acks;
        }
    }

    static ControlClient subscriber(TestServer node, String topic) throws IOException {
        ControlClient client = ControlClient.connect(node.frames());
        client.send(sub(1, topic));
        client.read(ControlFrame.Subscribed.class);
        return client;
    }

    @Test
    void publishOnOneNode_reachesTheSubscribersOfEveryNode_inOrder_withTheSameNumbers() throws IOException {
        TestServer a = node();
        TestServer b = node();
        TestServer c = node();
        try (ControlClient onA = subscriber(a, "prices");
             ControlClient onB = subscriber(b, "prices");
             ControlClient onC = subscriber(c, "prices")) {
            List<ControlFrame.Ack> acks = publish(a, "prices", "p", 200);
            assertThat(acks).extracting(ControlFrame.Ack::sequence).containsExactlyElementsOf(
                    LongStream.rangeClosed(1, 200).boxed().toList());
            for (ControlClient reader : List.of(onA, onB, onC)) {
                List<ControlFrame.Msg> got = reader.readMessages(200);
                assertThat(got).extracting(ControlFrame.Msg::sequence).containsExactlyElementsOf(
                        LongStream.rangeClosed(1, 200).boxed().toList());
                assertThat(got).extracting(ControlFrame.Msg::epoch).containsOnly(acks.get(0).epoch());
                assertThat(text(got.get(199))).isEqualTo("p200");
            }
        }
    }

    @Test
    void concurrentPublishersOnTwoNodes_giveSequencesOneToN_inOneOrderEverywhere() throws Exception {
        TestServer a = node();
        TestServer b = node();
        int each = 300;
        try (ControlClient onA = subscriber(a, "t");
             ControlClient onB = subscriber(b, "t")) {
            CompletableFuture<List<ControlFrame.Ack>> fromA = CompletableFuture.supplyAsync(() -> uncheck(
                    () -> publish(a, "t", "a", each)));
            CompletableFuture<List<ControlFrame.Ack>> fromB = CompletableFuture.supplyAsync(() -> uncheck(
                    () -> publish(b, "t", "b", each)));
            List<Long> acked = new ArrayList<>();
            fromA.get().forEach(ack -> acked.add(ack.sequence()));
            fromB.get().forEach(ack -> acked.add(ack.sequence()));
            assertThat(acked).doesNotHaveDuplicates().hasSize(2 * each);
            List<ControlFrame.Msg> seenByA = onA.readMessages(2 * each);
            List<ControlFrame.Msg> seenByB = onB.readMessages(2 * each);
            assertThat(seenByA).extracting(ControlFrame.Msg::sequence).containsExactlyElementsOf(
                    LongStream.rangeClosed(1, 2 * each).boxed().toList());
            assertThat(seenByA.stream().map(ClusterIntegrationTest::text).toList())
                    .isEqualTo(seenByB.stream().map(ClusterIntegrationTest::text).toList());
        }
    }

    @Test
    void aSubscriptionMadeWhileMessagesKeepComing_takesThemFromTheLiveStream_andMissesNothing() throws Exception {
        // History of 10: the subscription must not depend on reading history, which under 40,000 publishes in
        // flight is a round trip behind hundreds of them; it keeps what comes live from the moment it joined.
        // Room to keep all 40,000 if they came at once (half of --queue-bytes may be kept): what is tested is the
        // seam, not the fallback when there is no room (tested below).
        TestServer a = TestServer.start(builder -> builder.history(10).queueBytes(32L * 1024 * 1024)
                .totalQueueBytes(256L * 1024 * 1024).redis(RedisOptions.of(RedisTarget.parse(redis.uri()))));
        nodes.add(a);
        int total = 40_000;
        try (ControlClient writer = ControlClient.connect(a.frames());
             ControlClient reader = ControlClient.connect(a.frames())) {
            CompletableFuture<Void> publisher = publishUnacknowledged(writer, "busy", total);
            await().atMost(TestServer.PATIENCE).until(() -> lastOf("busy") >= 2_000);
            reader.send(sub(1, "busy"));
            long from = reader.read(ControlFrame.Subscribed.class).lastSequence() + 1;
            publisher.get();
            writer.send(pub(1, "busy", "last"));
            long last = writer.readUntil(ControlFrame.Ack.class).sequence();
            assertThat(from).as("subscribed while messages kept coming").isLessThan(total);
            List<ControlFrame.Msg> got = reader.readMessages((int) (last - from + 1));
            assertThat(got).extracting(ControlFrame.Msg::sequence)
                    .containsExactlyElementsOf(LongStream.rangeClosed(from, last).boxed().toList());
        }
    }

    @Test
    void aResumeOnAnotherNodeWhileMessagesKeepComing_replaysThenMeetsTheLiveStream_andMissesNothing()
            throws Exception {
        resumeOnBWhileAPublishes(1_001, UnaryOperator.identity());
    }

    @Test
    void aSubscriptionWithNoRoomToKeepLiveMessages_readsThemFromHistory_andMissesNothing() throws Exception {
        // A queue of 64 KiB has room to keep a few hundred live messages for the replay to meet, not the
        // thousands that pass meanwhile: the rest are read from history.
        TestServer b = resumeOnBWhileAPublishes(1, builder -> builder.maxFrame(16 * 1024).queueBytes(64 * 1024));
        // What the subscription kept was charged to the server-wide budget, and is given back once it is gone.
        await().atMost(TestServer.PATIENCE).until(() -> b.server().queueBudget().chargedBytes() == 0);
    }

    /**
     * Starts nodes A and B (B set up as {@code onB} adds), sends 40,000 unacknowledged publishes to A, resumes
     * from {@code from} on B once 5,000 are in, and checks that B's client gets every message from there on, in
     * order, once. History holds the whole run: what is tested is the seam, not trimming. Returns B.
     */
    private TestServer resumeOnBWhileAPublishes(long from, UnaryOperator<ServerOptions.Builder> onB)
            throws Exception {
        RedisOptions options = RedisOptions.of(RedisTarget.parse(redis.uri()));
        TestServer a = TestServer.start(builder -> builder.history(100_000).redis(options));
        nodes.add(a);
        TestServer b = TestServer.start(builder -> onB.apply(builder.history(100_000).redis(options)));
        nodes.add(b);
        try (ControlClient writer = ControlClient.connect(a.frames());
             ControlClient reader = ControlClient.connect(b.frames())) {
            CompletableFuture<Void> publisher = publishUnacknowledged(writer, "busy", 40_000);
            await().atMost(TestServer.PATIENCE).until(() -> lastOf("busy") >= 5_000);
            long epoch = Long.parseLong(redis.command("HGET", "fanout:v2:{busy}:meta", "e"));
            reader.send(from(1, "busy", epoch, from));
            assertThat(reader.read(ControlFrame.Subscribed.class).lastSequence()).isGreaterThanOrEqualTo(5_000);
            publisher.get();
            writer.send(pub(1, "busy", "last"));
            long last = writer.readUntil(ControlFrame.Ack.class).sequence();
            List<ControlFrame.Msg> got = reader.readMessages((int) (last - from + 1));
            assertThat(got).extracting(ControlFrame.Msg::sequence)
                    .containsExactlyElementsOf(LongStream.rangeClosed(from, last).boxed().toList());
        }
        return b;
    }

    @Test
    void redisLosingItsDataWhileAClientReplays_movesTheReplayToTheNewEpoch_withAllThatItHolds() throws Exception {
        RedisOptions options = RedisOptions.of(RedisTarget.parse(redis.uri()));
        TestServer a = TestServer.start(builder -> builder.history(100_000).historyBytes(64L * 1024 * 1024)
                .redis(options));
        nodes.add(a);
        // A queue of 256 KiB keeps 128 KiB of live messages for the replay to meet: of the new epoch's 200 KiB, the
        // rest passes.
        TestServer b = TestServer.start(builder -> builder.history(100_000).historyBytes(64L * 1024 * 1024)
                .maxFrame(16 * 1024).queueBytes(256 * 1024).redis(options));
        nodes.add(b);
        String kib = "k".repeat(1024);
        try (ControlClient writer = ControlClient.connect(a.frames());
             ControlClient reader = ControlClient.connect(b.frames(), 4096)) {
            for (int i = 1; i <= 20_000; i++) {
                writer.send(pub(0, "epochs", kib));
            }
            await().atMost(TestServer.PATIENCE).until(() -> lastOf("epochs") == 20_000);
            long old = Long.parseLong(redis.command("HGET", "fanout:v2:{epochs}:meta", "e"));
            // Resumes from the start and does not read: the replay stops on the full queue, far from its end.
            reader.send(from(1, "epochs", old, 1));
            Session replaying = b.sessionOf(reader.raw().socket());
            await().atMost(TestServer.PATIENCE).until(() -> replaying.queuedBytes() > 32 * 1024);

            redis.command("FLUSHALL");
            for (int i = 1; i <= 200; i++) {
                writer.send(pub(i, "epochs", kib));
            }
            long fresh = 0;
            for (int i = 1; i <= 200; i++) {
                fresh = writer.read(ControlFrame.Ack.class).epoch();
            }
            await().atMost(TestServer.PATIENCE).until(() -> b.server().hub().find("epochs").lastSequence() == 200);

            ControlFrame frame;
            do {
                frame = reader.read();
                assertThat(frame).as("old-epoch messages, then a RESET").isInstanceOfAny(ControlFrame.Msg.class,
                        ControlFrame.Subscribed.class, ControlFrame.Reset.class);
            } while (!(frame instanceof ControlFrame.Reset));
            assertThat(((ControlFrame.Reset) frame).epoch()).isEqualTo(fresh);
            writer.send(pub(201, "epochs", "last"));
            List<ControlFrame.Msg> got = reader.readMessages(201);
            assertThat(got).extracting(ControlFrame.Msg::epoch).containsOnly(fresh);
            assertThat(got).extracting(ControlFrame.Msg::sequence).as("all the new epoch holds")
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, 201).boxed().toList());
        }
    }

    @Test
    void anAddressThatAcceptsButIsNotRedis_isGivenUpOnAfterTheRedisTimeout_notLettucesMinute() throws IOException {
        // Something that accepts connections and never answers like Redis (here: nothing answers at all).
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            RedisOptions options = RedisOptions.of(RedisTarget.parse("redis://127.0.0.1:" + silent.getLocalPort()))
                    .withTimeout(Duration.ofMillis(500));
            assertThatThrownBy(() -> RedisHistory.open(options, HistoryLimits.defaults(), Duration.ofMinutes(2)))
                    .isInstanceOf(RedisUnavailableException.class)
                    .hasMessageContaining("500 millisecond")
                    .hasMessageContaining("that the port is Redis's");
        }
    }

    @Test
    void aNodeLoadsItsScriptBeforeItServes_andAgainWhenItReconnects() {
        // A script run by digest that Redis lacks is sent again whole: a publish so retried while a later one
        // found the script (another node loaded it meanwhile) was numbered after it, out of its publisher's order.
        String digest = TopicScript.load().digest();
        redis.command("SCRIPT", "FLUSH");
        node();
        assertThat(redis.command("SCRIPT", "EXISTS", digest)).as("loaded before the first command").isEqualTo("1");

        redis.command("SCRIPT", "FLUSH");
        redis.command("CLIENT", "KILL", "TYPE", "normal");

        await().atMost(TestServer.PATIENCE).until(() -> redis.command("SCRIPT", "EXISTS", digest).equals("1"));
    }

    /** Sends {@code total} publishes to {@code topic} without waiting for their ACKs, on another thread. */
    private static CompletableFuture<Void> publishUnacknowledged(ControlClient writer, String topic, int total) {
        return CompletableFuture.runAsync(() -> uncheck(() -> {
            for (int i = 1; i <= total; i++) {
                writer.send(pub(0, topic, "m" + i));
            }
            return null;
        }));
    }

    /** The topic's last sequence in Redis, 0 before its first message. */
    private long lastOf(String topic) {
        String last = redis.command("HGET", "fanout:v2:{" + topic + "}:meta", "s");
        return last == null || last.isEmpty() || last.equals("(nil)") ? 0 : Long.parseLong(last);
    }

    @Test
    void aClientCutOnOneNode_resumesOnAnother_withExactlyWhatFollows() throws IOException {
        TestServer a = node();
        TestServer b = node();
        long epoch;
        try (ControlClient onA = subscriber(a, "t")) {
            epoch = publish(a, "t", "m", 10).get(0).epoch();
            assertThat(onA.readMessages(10).get(9).sequence()).isEqualTo(10);
        }
        publish(a, "t", "away", 5);
        try (ControlClient onB = ControlClient.connect(b.frames())) {
            onB.send(from(1, "t", epoch, 11));
            ControlFrame.Subscribed subscribed = onB.read(ControlFrame.Subscribed.class);
            assertThat(subscribed.epoch()).isEqualTo(epoch);
            List<ControlFrame.Msg> replayed = onB.readMessages(5);
            assertThat(replayed).extracting(ControlFrame.Msg::sequence).containsExactly(11L, 12L, 13L, 14L, 15L);
            assertThat(text(replayed.get(0))).isEqualTo("away1");
            publish(a, "t", "live", 1);
            ControlFrame.Msg live = onB.read(ControlFrame.Msg.class);
            assertThat(live.sequence()).isEqualTo(16);
            assertThat(text(live)).isEqualTo("live1");
        }
    }

    @Test
    void theSamePublishIdSentTwice_onTwoNodes_landsOnce() throws IOException {
        TestServer a = node();
        TestServer b = node();
        ControlFrame.Ack first;
        try (ControlClient writer = ControlClient.connect(a.frames(), "identity", "publisher-7")) {
            writer.send(pub(42, "t", "once"));
            first = writer.read(ControlFrame.Ack.class);
        }
        try (ControlClient again = ControlClient.connect(b.frames(), "identity", "publisher-7")) {
            again.send(pub(42, "t", "once"));
            ControlFrame.Ack repeat = again.read(ControlFrame.Ack.class);
            assertThat(repeat.sequence()).isEqualTo(first.sequence());
            assertThat(repeat.epoch()).isEqualTo(first.epoch());
        }
        assertThat(redis.command("XLEN", "fanout:v2:{t}:log")).isEqualTo("1");
    }

    @Test
    void subscriptionConnectionsKilledDuringLoad_loseNothingAtTheSubscribers() throws Exception {
        int total = 3_000;
        // History holds them all, so that what a node missed while cut off is still there to fill its hole with.
        // What is tested is the subscribers; the publisher gets a patient timeout, as Redis here fsyncs every write
        // (appendfsync always) and a loaded test machine's disk has been seen to take over 2 s for one.
        RedisOptions patient = RedisOptions.of(RedisTarget.parse(redis.uri())).withTimeout(Duration.ofSeconds(15));
        TestServer a = TestServer.start(builder -> builder.history(total).redis(patient));
        nodes.add(a);
        TestServer b = TestServer.start(builder -> builder.history(total).redis(patient));
        nodes.add(b);
        try (ControlClient onA = subscriber(a, "t");
             ControlClient onB = subscriber(b, "t")) {
            AtomicBoolean publishing = new AtomicBoolean(true);
            CompletableFuture<List<ControlFrame.Ack>> published = CompletableFuture.supplyAsync(() -> uncheck(() -> {
                try {
                    return publish(a, "t", "m", total);
                } finally {
                    publishing.set(false);
                }
            }));
            // Every 20 ms while the publisher runs: each node's subscription connection is cut again and again.
            AtomicLong killed = new AtomicLong();
            await().atMost(TestServer.PATIENCE).pollInterval(Duration.ofMillis(20)).until(() -> {
                killed.addAndGet(redis.clientKillPubsub());
                return !publishing.get();
            });
            assertThat(published.get()).hasSize(total);
            for (ControlClient reader : List.of(onA, onB)) {
                assertThat(reader.readMessages(total)).extracting(ControlFrame.Msg::sequence)
                        .containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
            }
            assertThat(killed.get()).as("pub/sub connections killed while publishing").isPositive();
        }
    }

    @Test
    void aResume_doesNotWaitForRedisToAnswerThePublishesTheNodeSentBeforeIt() throws IOException {
        // Redis answers a connection's commands in order: on the publishes' connection, a resume waited behind every
        // publish the node had sent, and under a flood passed --redis-timeout. Here Redis's answers to node a's
        // publishes are held back altogether (its first connection), and a resume on a must still be answered.
        try (CuttingProxy proxy = new CuttingProxy(new InetSocketAddress("127.0.0.1", redis.port()))) {
            TestServer a = node(RedisOptions.of(RedisTarget.parse("redis://127.0.0.1:" + proxy.address().getPort()))
                    .withTimeout(Duration.ofSeconds(30)));
            TestServer b = node();
            List<ControlFrame.Ack> acks = publish(b, "t", "m", 5);
            proxy.holdDownstreamOf(1, true);
            try (ControlClient writer = ControlClient.connect(a.frames());
                 ControlClient reader = ControlClient.connect(a.frames())) {
                writer.send(pub(1, "t", "held"));
                await().atMost(TestServer.PATIENCE).until(() -> lastOf("t") == 6);

                reader.send(from(1, "t", acks.get(0).epoch(), 1));
                assertThat(reader.read(ControlFrame.Subscribed.class).lastSequence()).isEqualTo(6);
                assertThat(reader.readMessages(6)).extracting(ClusterIntegrationTest::text)
                        .containsExactly("m1", "m2", "m3", "m4", "m5", "held");

                proxy.holdDownstreamOf(1, false);
                assertThat(writer.read(ControlFrame.Ack.class).sequence()).isEqualTo(6);
            }
        }
    }

    @Test
    void aSubscriptionThatSilentlyStopsDelivering_isNoticedByItsProbes_replaced_andWhatItMissedDelivered()
            throws IOException {
        // Node a reaches Redis through a proxy that can hold back one of its connections: its third, which is
        // the subscription connection (the first carries publishes, the second reads and the probes).
        try (CuttingProxy proxy = new CuttingProxy(new InetSocketAddress("127.0.0.1", redis.port()))) {
            TestServer a = node(RedisOptions.of(RedisTarget.parse("redis://127.0.0.1:" + proxy.address().getPort()))
                    .withProbeInterval(Duration.ofMillis(100)));
            TestServer b = node();
            try (ControlClient onA = subscriber(a, "t")) {
                publish(b, "t", "before", 5);
                assertThat(onA.readMessages(5).get(4).sequence()).isEqualTo(5);
                proxy.holdDownstreamOf(3, true);
                publish(b, "t", "silent", 20);
                List<ControlFrame.Msg> got = onA.readMessages(20);
                assertThat(got).extracting(ControlFrame.Msg::sequence).containsExactlyElementsOf(
                        LongStream.rangeClosed(6, 25).boxed().toList());
                assertThat(((RedisHistory) a.server().history()).subscriptionsReplaced()).isPositive();
                publish(b, "t", "after", 1);
                assertThat(onA.read(ControlFrame.Msg.class).sequence()).isEqualTo(26);
            }
        }
    }

    @Test
    void redisStopped_publishesAreRefusedWithinTheTimeout_thenRedisBackWithItsData_keepsEpochs() throws IOException {
        TestServer a = node(RedisOptions.of(RedisTarget.parse(redis.uri())).withTimeout(Duration.ofMillis(500)));
        long epoch = publish(a, "t", "m", 3).get(0).epoch();
        try (ControlClient reader = subscriber(a, "t")) {
            // Live before Redis goes: a subscription still replaying when it does is answered UNAVAILABLE instead.
            publish(a, "t", "live", 1);
            assertThat(reader.read(ControlFrame.Msg.class).sequence()).isEqualTo(4);
            redis.kill();
            try (ControlClient writer = ControlClient.connect(a.frames())) {
                writer.send(pub(1, "t", "while down"));
                ControlFrame.Error refused = writer.read(ControlFrame.Error.class);
                assertThat(refused.code()).isEqualTo(ErrorCode.UNAVAILABLE);
                assertThat(refused.text()).contains("not acknowledged");
                // A resume meanwhile is asked to retry, not told a GAP or RESET it would act on.
                writer.send(from(2, "t", epoch, 2));
                ControlFrame.Error retry = writer.readUntil(ControlFrame.Error.class);
                assertThat(retry.code()).isEqualTo(ErrorCode.UNAVAILABLE);
                assertThat(retry.text()).contains("subscribe again later");
            }
            // A raw publisher cannot be told: its connection is reset, so that it does not take it as published.
            try (RawClient raw = RawClient.connect(a.frames())) {
                raw.send("raw while down");
                assertThatThrownBy(raw::read).as("reset").isInstanceOf(IOException.class);
            }
            await().atMost(TestServer.PATIENCE).until(
                    () -> a.server().sessionStats().closes(CloseReason.UNAVAILABLE) == 1);
            redis.restart();
            await().atMost(TestServer.PATIENCE).until(() -> publishesAgain(a));
            publish(a, "t", "back", 1);
            ControlFrame.Msg next = reader.readUntil(ControlFrame.Msg.class);
            assertThat(next.epoch()).isEqualTo(epoch);
            assertThat(next.sequence()).isEqualTo(5);
            assertThat(text(next)).isEqualTo("back1");
        }
    }

    @Test
    void health_turns503WhileRedisIsDown_andOkOnceItIsBack() {
        TestServer a = node(RedisOptions.of(RedisTarget.parse(redis.uri())).withTimeout(Duration.ofMillis(500)));
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.util.function.Supplier<java.net.http.HttpResponse<String>> health = () -> {
            try {
                return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                        + a.http().getPort() + "/health")).timeout(TestServer.PATIENCE).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        };
        assertThat(health.get().statusCode()).isEqualTo(200);
        assertThat(health.get().body()).contains("\"redis\":\"up\"");

        redis.kill();
        await().atMost(TestServer.PATIENCE).until(() -> health.get().statusCode() == 503);
        assertThat(health.get().body()).contains("\"redis\":\"down\"", "Redis does not answer");

        redis.restart();
        await().atMost(TestServer.PATIENCE).until(() -> health.get().statusCode() == 200);
    }

    @Test
    void redisBackWithoutItsData_givesANewEpoch_andResumingClientsAreToldReset() throws IOException {
        TestServer a = node();
        long epoch = publish(a, "t", "m", 3).get(0).epoch();
        ControlClient live = subscriber(a, "t");
        // Live before Redis goes (a subscription still replaying when it does is ended with UNAVAILABLE).
        publish(a, "t", "m", 1);
        assertThat(live.read(ControlFrame.Msg.class).sequence()).isEqualTo(4);
        redis.restartEmpty();
        await().atMost(TestServer.PATIENCE).until(() -> publishesAgain(a));
        publish(a, "t", "afresh", 1);
        // A live subscriber is told with the first message of the new epoch.
        try (live) {
            ControlFrame.Reset reset = live.readUntil(ControlFrame.Reset.class);
            assertThat(reset.clientEpoch()).isEqualTo(epoch);
            ControlFrame.Msg first = live.read(ControlFrame.Msg.class);
            assertThat(first.epoch()).isEqualTo(reset.epoch()).isNotEqualTo(epoch);
            assertThat(first.sequence()).isEqualTo(1);
            assertThat(text(first)).isEqualTo("afresh1");
        }
        try (ControlClient reader = ControlClient.connect(a.frames())) {
            reader.send(from(1, "t", epoch, 4));
            reader.read(ControlFrame.Subscribed.class);
            ControlFrame.Reset reset = reader.read(ControlFrame.Reset.class);
            assertThat(reset.clientEpoch()).isEqualTo(epoch);
            assertThat(reset.epoch()).isNotEqualTo(epoch);
        }
    }

    @Test
    void redisBackFromAnOlderSnapshot_startsANewEpoch_insteadOfNumberingNewMessagesAgain() throws IOException {
        // Snapshots only (no AOF): after a crash Redis comes back with what its last SAVE held.
        redis.close();
        redis = RedisProcess.start(directory.resolve("snapshots"), RedisProcess.Options.defaults()
                .withAppendOnly(false));
        TestServer a = node();
        long epoch = publish(a, "t", "m", 5).get(0).epoch();
        try (ControlClient live = subscriber(a, "t")) {
            redis.command("SAVE");
            publish(a, "t", "lost", 5);
            assertThat(live.readMessages(5)).extracting(ControlFrame.Msg::sequence).containsExactly(6L, 7L, 8L, 9L,
                    10L);

            redis.restart();

            await().atMost(TestServer.PATIENCE).until(() -> !epochOf("t").equals(Long.toString(epoch)));
            publish(a, "t", "afresh", 1);
            ControlFrame.Reset reset = live.readUntil(ControlFrame.Reset.class);
            assertThat(reset.clientEpoch()).isEqualTo(epoch);
            List<ControlFrame.Msg> after = new ArrayList<>();
            while (after.isEmpty() || !text(after.get(after.size() - 1)).equals("afresh1")) {
                after.add(live.read(ControlFrame.Msg.class));
            }
            assertThat(after).extracting(ControlFrame.Msg::epoch).containsOnly(reset.epoch());
            assertThat(after).extracting(ControlFrame.Msg::sequence).as("numbers go on in the new epoch")
                    .endsWith(6L);
        }
        try (ControlClient reader = ControlClient.connect(a.frames())) {
            reader.send(from(1, "t", epoch, 10));
            reader.read(ControlFrame.Subscribed.class);
            assertThat(reader.read(ControlFrame.Reset.class).clientEpoch()).isEqualTo(epoch);
        }
    }

    private String epochOf(String topic) {
        return redis.command("HGET", "fanout:v2:{" + topic + "}:meta", "e");
    }

    @Test
    void aPatternOnOneNode_joinsTopicsPublishedOnAnother_thoseThatExisted_andThoseMadeLater() throws IOException {
        TestServer a = node();
        TestServer b = node();
        publish(b, "prices.eur", "e", 3);
        try (ControlClient onA = ControlClient.connect(a.frames())) {
            onA.send(new ControlFrame.Sub(1, false, ResumeMode.LAST, 0, 2, "prices.>", List.of()));
            List<String> got = new ArrayList<>();
            while (got.size() < 2) {
                ControlFrame frame = onA.read();
                if (frame instanceof ControlFrame.Msg msg) {
                    got.add(msg.topic() + "#" + msg.sequence());
                } else {
                    assertThat(frame).isInstanceOf(ControlFrame.Subscribed.class);
                }
            }
            assertThat(got).as("the last 2 of a topic only another node had").containsExactly("prices.eur#2",
                    "prices.eur#3");
            publish(b, "prices.gbp.spot", "g", 2);
            publish(b, "other", "o", 1);
            publish(b, "prices.eur", "e", 1);
            List<ControlFrame.Msg> later = onA.readMessages(3);
            assertThat(later).extracting(m -> m.topic() + "#" + m.sequence())
                    .containsExactlyInAnyOrder("prices.gbp.spot#1", "prices.gbp.spot#2", "prices.eur#4");
        }
    }

    /** Whether a publish to a scratch topic is acknowledged now. */
    private static boolean publishesAgain(TestServer node) throws IOException {
        try (ControlClient writer = ControlClient.connect(node.frames())) {
            writer.send(pub(1, "probe", "x"));
            return writer.read() instanceof ControlFrame.Ack;
        }
    }

    interface Io<T> {
        T get() throws IOException;
    }

    static <T> T uncheck(Io<T> call) {
        try {
            return call.get();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
