package dev.fanout.client;

import static dev.fanout.client.Clients.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.protocol.control.GoodbyeReason;
import dev.fanout.server.FanoutServer;
import dev.fanout.server.ServerOptions;
import dev.fanout.server.testing.TestServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The server dies mid-stream and a new one, with no memory of the old, starts on the same port. */
class ServerRestartTest {

    private final TestServer first = TestServer.start();
    private final Clients clients = new Clients();
    private FanoutServer second;

    @AfterEach
    void tearDown() {
        clients.close();
        first.close();
        if (second != null) {
            second.close();
        }
    }

    @Test
    void newServerOnTheSamePort_clientReconnects_seesReset_andMessagesFlowAgain() throws Exception {
        Recorder recorder = new Recorder();
        FanoutClient reader = clients.connect(Clients.options(first.frames()).listener(recorder));
        FanoutClient writer = clients.connect(first.frames());
        MessageStream stream = reader.subscribe("restart");
        stream.subscribed().join();
        Position before = null;
        for (int i = 1; i <= 3; i++) {
            before = writer.publishAcked("restart", utf8("before" + i)).join();
        }
        for (int i = 1; i <= 3; i++) {
            assertThat(stream.poll(Patience.WAIT).text()).isEqualTo("before" + i);
        }

        first.close();
        await().until(() -> recorder.count("DISCONNECTED") == 1);
        assertThat(recorder.disconnects.get(0).reason()).isEqualTo(GoodbyeReason.SHUTDOWN);
        assertThat(reader.isConnected()).isFalse();

        second = new FanoutServer(ServerOptions.builder().hosts(List.of("127.0.0.1"))
                .framesPort(first.frames().getPort()).linesPort(0).httpPort(0).drainTimeout(Duration.ofSeconds(1))
                .build())
                .start();
        await().until(() -> recorder.count("RECONNECTED") == 1 && writer.isConnected());
        Position after = writer.publishAcked("restart", utf8("after")).join();

        Message next = stream.poll(Patience.WAIT);
        assertThat(next).isNotNull();
        assertThat(next.text()).isEqualTo("after");
        assertThat(next.position()).isEqualTo(after);
        assertThat(recorder.resets).hasSize(1);
        ResetEvent reset = recorder.resets.get(0);
        assertThat(reset.topic()).isEqualTo("restart");
        assertThat(reset.oldEpoch()).isEqualTo(before.epoch());
        assertThat(reset.epoch()).isEqualTo(after.epoch()).isNotEqualTo(before.epoch());
        assertThat(recorder.events).containsSubsequence("CONNECTED", "DISCONNECTED", "RECONNECTED");
        // RESET is told on the reading thread, RESUBSCRIBED on the events lane: each in its own order.
        await().until(() -> recorder.events.contains("RESUBSCRIBED restart"));
        assertThat(recorder.events).contains("RESET restart");
        assertThat(recorder.gaps).isEmpty();
    }
}
