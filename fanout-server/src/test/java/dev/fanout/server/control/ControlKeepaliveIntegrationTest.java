package dev.fanout.server.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.protocol.control.ControlFrame;
import dev.fanout.protocol.control.GoodbyeReason;
import dev.fanout.server.session.CloseReason;
import dev.fanout.server.testing.ControlClient;
import dev.fanout.server.testing.TestServer;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The server PINGs a silent control client and closes one that does not answer. */
class ControlKeepaliveIntegrationTest {

    private final TestServer server = TestServer.start(options -> options.pingInterval(Duration.ofMillis(200))
            .pingTimeout(Duration.ofMillis(300)));

    @AfterEach
    void tearDown() {
        server.close();
    }

    @Test
    void silentClient_isPinged_thenClosedAsIdle() throws IOException {
        try (ControlClient client = ControlClient.connect(server.frames())) {
            assertThat(client.welcome().pingIntervalMillis()).isEqualTo(200);
            assertThat(client.welcome().pingTimeoutMillis()).isEqualTo(300);
            client.read(ControlFrame.Ping.class);
            ControlFrame.Goodbye goodbye = client.read(ControlFrame.Goodbye.class);
            assertThat(goodbye.reason()).isEqualTo(GoodbyeReason.IDLE);
            assertThat(goodbye.text()).contains("--ping-timeout");
            assertThat(client.read()).isNull();
        }
        await().until(() -> server.server().sessionStats().closes(CloseReason.IDLE) == 1);
    }

    @Test
    void clientThatAnswers_staysConnected() throws IOException {
        try (ControlClient client = ControlClient.connect(server.frames())) {
            for (int i = 0; i < 3; i++) {
                ControlFrame.Ping ping = client.read(ControlFrame.Ping.class);
                client.send(new ControlFrame.Pong(ping.token()));
            }
            client.send(new ControlFrame.Ping(5));
            assertThat(client.readUntil(ControlFrame.Pong.class).token()).isEqualTo(5);
        }
        assertThat(server.server().sessionStats().closes(CloseReason.IDLE)).isZero();
    }
}
