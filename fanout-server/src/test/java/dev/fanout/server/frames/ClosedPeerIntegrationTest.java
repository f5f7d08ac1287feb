package dev.fanout.server.frames;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.server.session.CloseReason;
import dev.fanout.server.session.Session;
import dev.fanout.server.testing.RawClient;
import dev.fanout.server.testing.TestServer;
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
}
