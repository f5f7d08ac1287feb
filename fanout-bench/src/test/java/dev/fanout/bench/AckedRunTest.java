package dev.fanout.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fanout.hub.Topic;
import dev.fanout.server.session.CloseReason;
import dev.fanout.server.testing.TestServer;
import dev.fanout.store.disk.DiskHistory;
import dev.fanout.store.disk.DiskOptions;
import dev.fanout.store.disk.FsyncPolicy;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acked shape against a real fanout server in process on port 0, over control mode: with history in memory
 * and on disk ({@code --fsync always}).
 */
class AckedRunTest {

    private TestServer server = TestServer.start();

    @AfterEach
    void tearDown() {
        server.close();
    }

    private BenchOptions acked(int publishers, int size, long count, Duration duration, long window) {
        return new BenchOptions(Target.FANOUT_CONTROL, "127.0.0.1", server.frames().getPort(), Shape.ACKED,
                publishers, 0, size, count, duration, 0, "bench.acked", 2, Duration.ofSeconds(2), 0, window, 0,
                Duration.ZERO, 0);
    }

    @Test
    void acked_everyPublishIsAcknowledged_once_andTheTopicHoldsExactlyThem() throws Exception {
        BenchResult result = new BenchRun(acked(3, 64, 2_000, Duration.ZERO, 16), null).run();
        assertThat(result.sent()).isEqualTo(6_000);
        assertThat(result.expected()).isEqualTo(6_000);
        assertThat(result.received()).isEqualTo(6_000);
        assertThat(result.lost()).isZero();
        assertThat(result.outOfOrder()).isZero();
        assertThat(result.clean()).isTrue();
        assertThat(result.deliveredPerSecond()).isPositive();
        assertThat(result.timed()).isEqualTo(6_000);
        assertThat(result.latency()[0]).as("p50 in microseconds").isPositive();
        assertThat(result.latency()[4]).isGreaterThanOrEqualTo(result.latency()[2]);
        // No probes in this shape: the topic numbered the 6,000 publishes and nothing else.
        assertThat(topic("bench.acked").lastSequence()).isEqualTo(6_000);
        assertThat(server.server().sessionStats().closes(CloseReason.PROTOCOL_ERROR)).isZero();
        assertThat(result.json()).contains("\"shape\":\"acked\"", "\"subscribers\":0", "\"received\":6000",
                "\"window\":16", "\"ackedPerSecond\":", "\"clean\":true");
        assertThat(result.table()).contains("shape       acked: 3 publisher(s), up to 16 publishes awaiting "
                + "acknowledgement each, 64-byte messages", "acked       6,000 of 6,000 in ", " acks/s",
                "unacknowledged 0 (clean); before an earlier publish's 0", "ack us      p50 ");
    }

    @Test
    void duration_publishesUntilItEnds_thenWaitsForTheLastAcknowledgements() throws Exception {
        BenchResult result = new BenchRun(acked(1, 16, 0, Duration.ofMillis(300), 8), null).run();
        assertThat(result.sent()).isPositive();
        assertThat(result.received()).isEqualTo(result.sent());
        assertThat(result.clean()).isTrue();
        assertThat(topic("bench.acked").lastSequence()).isEqualTo(result.sent());
    }

    @Test
    void historyOnDisk_fsyncAlways_acknowledgesEveryPublish_afterForcingItToTheDisk(@TempDir Path data)
            throws Exception {
        server.close();
        server = TestServer.start(o -> o.disk(new DiskOptions(data, FsyncPolicy.ALWAYS,
                DiskOptions.DEFAULT_FSYNC_INTERVAL, DiskOptions.DEFAULT_SEGMENT_BYTES)));
        BenchResult result = new BenchRun(acked(4, 128, 500, Duration.ZERO, 32), null).run();
        assertThat(result.received()).isEqualTo(2_000);
        assertThat(result.clean()).isTrue();
        assertThat(topic("bench.acked").lastSequence()).isEqualTo(2_000);
        assertThat(server.server().history()).isInstanceOf(DiskHistory.class);
        // Every ACK waited for an fsync; publishes that arrived together shared one.
        assertThat(((DiskHistory) server.server().history()).fsyncs()).isBetween(1L, 2_000L);
    }

    /**
     * A regression guard: with history on disk the server answered some ACKs before earlier publishes' ones, which
     * its protocol allows; every publish is still acknowledged once, and the run is clean.
     */
    @Test
    void historyOnDisk_fsyncInterval_acknowledgesEveryPublishOnce(@TempDir Path data) throws Exception {
        server.close();
        server = TestServer.start(o -> o.disk(DiskOptions.in(data)));
        BenchResult result = new BenchRun(acked(4, 16, 5_000, Duration.ZERO, 100), null).run();
        assertThat(result.received()).isEqualTo(20_000);
        assertThat(result.lost()).isZero();
        assertThat(result.clean()).isTrue();
        assertThat(result.outOfOrder()).isBetween(0L, 20_000L);
        assertThat(topic("bench.acked").lastSequence()).isEqualTo(20_000);
    }

    @Test
    void refusedPublish_failsTheRun_withTheServersText() {
        server.close();
        server = TestServer.start(o -> o.maxFrame(1024));
        assertThatThrownBy(() -> new BenchRun(acked(1, 2_000, 10, Duration.ZERO, 4), null).run())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("fanout server error: payload_too_large: ");
    }

    @Test
    void unreachableServer_failsWithAMessageThatSaysSo() {
        int port = server.frames().getPort();
        server.close();
        BenchOptions nowhere = new BenchOptions(Target.FANOUT_CONTROL, "127.0.0.1", port, Shape.ACKED, 1, 0, 16, 10,
                Duration.ZERO, 0, "bench", 1, Duration.ofSeconds(1), 0, 0, 0, Duration.ZERO, 0);
        assertThatThrownBy(() -> new BenchRun(nowhere, null).run())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot connect to fanout-control at 127.0.0.1:" + port)
                .hasMessageContaining("is the server running?");
        server = TestServer.start();
    }

    private Topic topic(String name) {
        Topic topic = server.server().hub().find(name);
        assertThat(topic).as("topic %s", name).isNotNull();
        return topic;
    }
}
