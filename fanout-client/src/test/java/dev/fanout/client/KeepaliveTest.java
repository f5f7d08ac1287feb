package dev.fanout.client;

import static dev.fanout.client.Clients.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.server.session.CloseReason;
import dev.fanout.server.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** PING and PONG both ways: the server keeps a quiet or stalled client, the client leaves a hung server. */
class KeepaliveTest {

    /** Long enough for several of the server's ping intervals of 50 ms. */
    private static final Duration QUIET = Duration.ofMillis(600);

    @Test
    void quietClient_answersTheServersPings_andStaysConnected() {
        try (TestServer server = TestServer.start(options -> options.pingInterval(Duration.ofMillis(50))
                .pingTimeout(Duration.ofMillis(100)));
             Clients clients = new Clients()) {
            FanoutClient client = clients.connect(server.frames());
            await().during(QUIET).atMost(QUIET.multipliedBy(4)).until(client::isConnected);
            assertThat(server.server().sessionStats().closes(CloseReason.IDLE)).isZero();
        }
    }

    @Test
    void stalledApplication_stopsReading_butStillPings_soTheServerKeepsIt() throws Exception {
        try (TestServer server = TestServer.start(options -> options.pingInterval(Duration.ofMillis(50))
                .pingTimeout(Duration.ofMillis(100)));
             Clients clients = new Clients()) {
            Recorder recorder = new Recorder();
            FanoutClient reader = clients.connect(Clients.options(server.frames()).listener(recorder));
            FanoutClient writer = clients.connect(server.frames());
            CountDownLatch release = new CountDownLatch(1);
            List<String> got = new CopyOnWriteArrayList<>();
            reader.subscribe("stall", SubscribeOptions.newOnly().withBuffer(1, 1024), message -> {
                release.await(Patience.WAIT.toMillis(), TimeUnit.MILLISECONDS);
                got.add(message.text());
            }).subscribed().join();
            for (int i = 0; i < 5; i++) {
                writer.publishAcked("stall", utf8("m" + i)).join();
            }

            await().during(QUIET).atMost(QUIET.multipliedBy(4)).until(reader::isConnected);
            release.countDown();
            await().until(() -> got.size() == 5);
            assertThat(got).containsExactly("m0", "m1", "m2", "m3", "m4");
            assertThat(server.server().sessionStats().closes(CloseReason.IDLE)).isZero();
            assertThat(recorder.count("DISCONNECTED")).isZero();
        }
    }

    @Test
    void hungServer_isNoticed_andTheClientReconnects() throws Exception {
        try (SilentServer silent = new SilentServer(); Clients clients = new Clients()) {
            Recorder recorder = new Recorder();
            clients.connect(Clients.options(silent.address()).listener(recorder)
                    .ping(Duration.ofMillis(50), Duration.ofMillis(100)));
            await().until(() -> recorder.count("RECONNECTED") >= 1);
            assertThat(recorder.disconnects.get(0).reason()).isNull();
            assertThat(recorder.disconnects.get(0).text()).contains("the server was silent for");
            assertThat(silent.welcomed()).isGreaterThanOrEqualTo(2);
        }
    }
}
