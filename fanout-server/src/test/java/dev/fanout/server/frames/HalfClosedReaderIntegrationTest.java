package dev.fanout.server.frames;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.server.session.CloseReason;
import dev.fanout.server.session.Session;
import dev.fanout.server.testing.RawClient;
import dev.fanout.server.testing.TestServer;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, #1: the README's Python client and the tutorial's StreamClient shut down their sending side and
 * only read. Paused while megabytes were published, such a reader was cut long before its queue was full,
 * logged as a network error ("Channel output shutdown"). It must get exactly what any other reader gets.
 */
class HalfClosedReaderIntegrationTest {

    private static final int MESSAGES = 10_000;
    private static final int SIZE = 500;

    @Test
    void halfClosedReader_pausedWhileMegabytesArePublished_getsThemAll() throws Exception {
        try (TestServer server = TestServer.start()) {
            RawClient reader = server.rawClient();
            reader.socket().shutdownOutput();
            Session session = server.sessionOf(reader.socket());
            RawClient publisher = server.rawClient();

            // About 5 MB, within the default 8 MiB queue: the reader reads nothing until all are published.
            byte[] body = new byte[SIZE];
            for (int i = 0; i < MESSAGES; i++) {
                ByteBuffer.wrap(body).putInt(0, i);
                publisher.send(body);
            }
            await().until(() -> server.server().hub().backlog().bytes() == 0);
            assertThat(session.isClosed()).as("closed as %s", session.closeReason()).isFalse();

            for (int i = 0; i < MESSAGES; i++) {
                byte[] payload = reader.read();
                assertThat(payload).as("message %d", i).isNotNull();
                assertThat(ByteBuffer.wrap(payload).getInt()).isEqualTo(i);
            }
            assertThat(session.isClosed()).isFalse();
            assertThat(server.server().sessionStats().closes(CloseReason.IO_ERROR)).isZero();
        }
    }
}
