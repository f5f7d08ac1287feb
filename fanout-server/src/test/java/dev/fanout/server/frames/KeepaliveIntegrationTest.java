package dev.fanout.server.frames;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.server.session.CloseReason;
import dev.fanout.server.session.Session;
import dev.fanout.server.testing.RawClient;
import dev.fanout.server.testing.TestServer;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Issue 12, #3: a client gone without a word is noticed by TCP keepalive. The test waits about a minute for the
 * kernel with two idle connections, so it runs beside the other test classes rather than before or after them
 * (this module's surefire set-up lets a class ask for that; every other class runs alone, one after another).
 */
@Execution(ExecutionMode.CONCURRENT)
class KeepaliveIntegrationTest {

    /**
     * A raw client that connects and closes without sending anything looks, to the server, like the README's
     * reader that half-closes: both send a FIN. Only TCP keepalive tells them apart, once the closed peer's
     * system has forgotten the connection (on Linux, its FIN-WAIT-2 timeout, 60 s), without any message being
     * published. This test waits that long; the half-closed reader beside it stays.
     */
    @Test
    void clientThatClosedWithoutPublishing_isNoticedByKeepalive_whileAHalfClosedReaderStays() throws Exception {
        try (TestServer server = TestServer.start(options -> options.keepAlive(Duration.ofSeconds(1)))) {
            RawClient halfClosed = server.rawClient();
            halfClosed.socket().shutdownOutput();
            Session reader = server.sessionOf(halfClosed.socket());
            Socket gone = server.track(new Socket());
            gone.connect(server.frames());
            server.awaitSessions(2);
            Session closed = server.sessionOf(gone);
            gone.close();

            await().atMost(Duration.ofSeconds(120)).until(closed::isClosed);
            assertThat(closed.closeReason()).isEqualTo(CloseReason.CLIENT_CLOSED);
            assertThat(reader.isClosed()).isFalse();
            server.awaitSessions(1);
        }
    }
}
