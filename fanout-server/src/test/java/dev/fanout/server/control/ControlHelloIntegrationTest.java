package dev.fanout.server.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fanout.protocol.control.ControlFrame;
import dev.fanout.protocol.control.ErrorCode;
import dev.fanout.server.testing.ControlClient;
import dev.fanout.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a HELLO the server cannot fully honour gets, as a client that skips to WELCOME sees it. */
class ControlHelloIntegrationTest {

    private final TestServer server = TestServer.start();

    @AfterEach
    void tearDown() {
        server.close();
    }

    @Test
    void helloWithATakenName_isWelcomed_thenToldWhy() throws Exception {
        try (ControlClient first = ControlClient.connect(server.frames(), "name", "alice");
             ControlClient second = ControlClient.connect(server.frames(), "name", "alice")) {
            second.send(new ControlFrame.Ping(7));

            // Regression: the ERROR went out before WELCOME, where every client skips frames, so nobody saw it.
            ControlFrame.Error error = second.read(ControlFrame.Error.class);
            assertThat(error.code()).isEqualTo(ErrorCode.NOT_ALLOWED);
            assertThat(error.text()).contains("the name 'alice' is taken");
            assertThat(second.read(ControlFrame.Pong.class).token()).isEqualTo(7);
            assertThat(server.server().sessions().find(first.welcome().clientId()).name()).isEqualTo("alice");
            assertThat(server.server().sessions().find(second.welcome().clientId()).name())
                    .isEqualTo("client-" + second.welcome().clientId());
        }
    }
}
