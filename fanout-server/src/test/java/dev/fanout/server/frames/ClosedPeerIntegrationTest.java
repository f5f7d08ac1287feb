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

/** Issue 12, #2 and #3: how the server notices and names a client that has gone. */
class ClosedPeerIntegrationTest {

    @Test
    void readerThatExitsWithDataUnread_isClientClosed_notANetworkError() throws Exception {
        try (TestServer server = TestServer.start()) {
            RawClient reader = server.rawClient();
            Session session = server.sessionOf(reader.socket());
            RawClient publisher = server.rawClient();
            publisher.send("first");
            assertThat(reader.readText()).isEqualTo("first");
            publisher.send("unread");
            await().until(() -> server.server().sessionStats().delivered() == 2);
            // Closing with data unread resets the connection, as a program that exits after reading enough does.
            reader.close();
            for (int i = 0; !session.isClosed() && i < 1000; i++) {
                publisher.send("more " + i);
            }
            await().until(session::isClosed);
            assertThat(session.closeReason()).isEqualTo(CloseReason.CLIENT_CLOSED);
            assertThat(server.server().sessionStats().closes(CloseReason.IO_ERROR)).isZero();
        }
    }

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
