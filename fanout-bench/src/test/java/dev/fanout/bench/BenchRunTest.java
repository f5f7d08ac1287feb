package dev.fanout.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fanout.server.testing.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BenchRunTest {

    private TestServer server = TestServer.start();

    @AfterEach
    void tearDown() {
        server.close();
    }

    private BenchOptions options(Shape shape, int publishers, int subscribers, int size, long count, long rate) {
        return new BenchOptions(Target.FANOUT, "127.0.0.1", server.frames().getPort(), shape, publishers,
                subscribers, size, count, Duration.ZERO, rate, "bench", 1, Duration.ofSeconds(2), 0, 0, 0,
                Duration.ZERO, 0);
    }

    @Test
    void fanOut_deliversEveryMessageToEverySubscriber_andCountsThem() throws Exception {
        BenchResult result = new BenchRun(options(Shape.FAN_OUT, 1, 20, 64, 5_000, 0), null).run();
        assertThat(result.sent()).isEqualTo(5_000);
        assertThat(result.expected()).isEqualTo(100_000);
        assertThat(result.received()).isEqualTo(100_000);
        assertThat(result.clean()).isTrue();
        assertThat(result.deliveredPerSecond()).isPositive();
        assertThat(result.latency()[4]).isGreaterThanOrEqualTo(result.latency()[0]);
        // One probe publisher's probes and all 5,000 messages went through the server.
        assertThat(server.server().hub().stats().published()).isGreaterThanOrEqualTo(5_000);
    }

    @Test
    void manySubscribers_withASmallReceiveBuffer_stillGetEverything() throws Exception {
        BenchOptions small = new BenchOptions(Target.FANOUT, "127.0.0.1", server.frames().getPort(), Shape.FAN_OUT,
                1, 50, 256, 2_000, Duration.ZERO, 0, "bench", 2, Duration.ofSeconds(2), 0, 0, 0, Duration.ZERO,
                BenchOptions.MIN_RECEIVE_BUFFER);
        BenchResult result = new BenchRun(small, null).run();
        assertThat(result.received()).isEqualTo(100_000);
        assertThat(result.clean()).isTrue();
    }

    @Test
    void fanIn_countsEachPublishersSequenceSeparately() throws Exception {
        BenchResult result = new BenchRun(options(Shape.FAN_IN, 5, 1, 16, 2_000, 0), null).run();
        assertThat(result.sent()).isEqualTo(10_000);
        assertThat(result.received()).isEqualTo(10_000);
        assertThat(result.clean()).isTrue();
    }

    @Test
    void chat_everyMemberHearsEveryMember() throws Exception {
        BenchResult result = new BenchRun(options(Shape.CHAT, 4, 4, 32, 1_000, 0), null).run();
        assertThat(result.expected()).isEqualTo(16_000);
        assertThat(result.received()).isEqualTo(16_000);
        assertThat(result.clean()).isTrue();
    }

    @Test
    void fixedRate_sendsTheCountAtThatPace_andMeasuresLatency() throws Exception {
        BenchResult result = new BenchRun(options(Shape.FAN_OUT, 1, 5, 128, 500, 5_000), null).run();
        assertThat(result.received()).isEqualTo(2_500);
        assertThat(result.clean()).isTrue();
        assertThat(result.latency()[2]).as("p99 in microseconds").isPositive();
        assertThat(result.json()).contains("\"rate\":5000").contains("\"clean\":true");
    }

    @Test
    void warmup_leavesTheFirstMessagesOutOfTheLatencyFigures() throws Exception {
        BenchOptions warm = new BenchOptions(Target.FANOUT, "127.0.0.1", server.frames().getPort(), Shape.FAN_OUT,
                1, 2, 16, 0, Duration.ofMillis(600), 1_000, "bench", 1, Duration.ofSeconds(2), 0, 0, 0,
                Duration.ofMillis(300), 0);
        BenchResult result = new BenchRun(warm, null).run();
        assertThat(result.clean()).isTrue();
        assertThat(result.timed()).isPositive().isLessThan(result.received());
    }

    @Test
    void duration_publishesUntilItEnds() throws Exception {
        BenchOptions timed = new BenchOptions(Target.FANOUT, "127.0.0.1", server.frames().getPort(),
                Shape.FAN_OUT, 1, 3, 16, 0, Duration.ofMillis(300), 1_000, "bench", 1, Duration.ofSeconds(2), 0, 0,
                0, Duration.ZERO, 0);
        BenchResult result = new BenchRun(timed, null).run();
        assertThat(result.sent()).isPositive();
        assertThat(result.received()).isEqualTo(result.sent() * 3);
    }

    @Test
    void subscriberCutOffByTheServer_isReportedAsLost() throws Exception {
        server.close();
        server = TestServer.start(o -> o.maxFrame(1024).queueBytes(8 * 1024).queueMessages(64));
        // A window far above the server's queue: the server must cut the subscriber off, and the bench say so.
        BenchOptions reckless = new BenchOptions(Target.FANOUT, "127.0.0.1", server.frames().getPort(),
                Shape.FAN_OUT, 1, 1, 512, 200_000, Duration.ZERO, 0, "bench", 1, Duration.ofMillis(500), 0,
                10_000_000, 0, Duration.ZERO, 0);
        BenchResult result = new BenchRun(reckless, null).run();
        assertThat(result.clean()).isFalse();
        assertThat(result.lost()).isPositive();
        assertThat(result.received() + result.lost()).isEqualTo(result.expected());
        assertThat(result.table()).contains("NOT CLEAN");
    }

    @Test
    void stuckSubscriber_isCutOffByTheServer_whileTheOthersGetEverything() throws Exception {
        server.close();
        server = TestServer.start(o -> o.maxFrame(1024).queueBytes(64 * 1024));
        BenchOptions withStuck = new BenchOptions(Target.FANOUT, "127.0.0.1", server.frames().getPort(),
                Shape.FAN_OUT, 1, 5, 512, 40_000, Duration.ZERO, 0, "bench", 1, Duration.ofSeconds(2), 0, 64, 1,
                Duration.ZERO, 0);
        BenchResult result = new BenchRun(withStuck, null).run();
        assertThat(result.clean()).isTrue();
        assertThat(result.received()).isEqualTo(200_000);
        assertThat(server.server().sessionStats().closes(dev.fanout.server.session.CloseReason.SLOW_CONSUMER))
                .isEqualTo(1);
    }

    @Test
    void subscriberCutOffWhilePublisherWaitsForIt_doesNotHangTheRun() throws Exception {
        server.close();
        server = TestServer.start(o -> o.maxFrame(1024).queueBytes(8 * 1024).queueMessages(64));
        // The default window (about 2 MiB) is far above this server's queue: subscribers get cut off while the
        // publisher waits for them, and the run must still end, reporting the loss.
        BenchOptions windowTooBig = new BenchOptions(Target.FANOUT, "127.0.0.1", server.frames().getPort(),
                Shape.FAN_OUT, 1, 2, 512, 50_000, Duration.ZERO, 0, "bench", 1, Duration.ofMillis(500), 0, 0, 0,
                Duration.ZERO, 0);
        BenchResult result = new BenchRun(windowTooBig, null).run();
        assertThat(result.sent()).isEqualTo(50_000);
        assertThat(result.received() + result.lost()).isEqualTo(result.expected());
    }

    @Test
    void unreachableServer_failsWithAMessageThatSaysSo() {
        int port = server.frames().getPort();
        server.close();
        BenchOptions nowhere = new BenchOptions(Target.FANOUT, "127.0.0.1", port, Shape.FAN_OUT, 1, 1, 16, 10,
                Duration.ZERO, 0, "bench", 1, Duration.ofSeconds(1), 0, 0, 0, Duration.ZERO, 0);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new BenchRun(nowhere, null).run())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot connect to fanout at 127.0.0.1:" + port)
                .hasMessageContaining("is the server running?");
        server = TestServer.start();
    }
}
