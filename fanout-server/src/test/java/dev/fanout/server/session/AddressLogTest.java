package dev.fanout.server.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.fanout.server.testing.LineClient;
import dev.fanout.server.testing.LogCapture;
import dev.fanout.server.testing.TestServer;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Log lines write client addresses as /list does: {@code 127.0.0.1:PORT}, not Java's {@code /127.0.0.1:PORT}. */
class AddressLogTest {

    private LogCapture log;

    @BeforeEach
    void capture() {
        log = LogCapture.of(ConnectionLimiter.class, Session.class);
    }

    @AfterEach
    void release() {
        log.close();
    }

    private List<String> messages(Level level) {
        return log.messages(level);
    }

    @Test
    void refusalAndCloseLines_showTheAddressWithoutASlash() throws IOException {
        try (TestServer server = TestServer.start(options -> options.maxClients(1))) {
            LineClient admitted = server.lineClient();
            LineClient refused = server.track(LineClient.connect(server.lines()));
            refused.awaitEnd();
            server.sessionOf(admitted.socket()).close(CloseReason.KICKED, "test");
            admitted.awaitEnd();

            String refusedAt = "refused 127.0.0.1:" + refused.socket().getLocalPort() + ": server full";
            await().untilAsserted(() -> assertThat(messages(Level.WARN)).anyMatch(line -> line.startsWith(refusedAt)));
            String closed = "client #1 'client-1' 127.0.0.1:" + admitted.socket().getLocalPort()
                    + " (lines) closed: removed by the operator: test";
            await().untilAsserted(() -> assertThat(messages(Level.INFO)).contains(closed));
        }
    }
}
