package dev.fanout.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.fanout.server.session.CloseReason;
import dev.fanout.server.session.Session;
import dev.fanout.server.testing.LogCapture;
import dev.fanout.server.testing.RawClient;
import dev.fanout.server.testing.StuckReader;
import dev.fanout.server.testing.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The soft slow-consumer limit: a queue that stays over --queue-soft-bytes for --queue-soft-time is cut. */
class SoftSlowConsumerIntegrationTest {

    @Test
    void aReaderWhoseQueueStaysOverTheSoftBound_isCut_thoughUnderTheHardOne() throws Exception {
        try (LogCapture logs = LogCapture.of(Session.class);
             TestServer server = TestServer.start(options -> options.queueSoftBytes(64L * 1024)
                     .queueSoftTime(Duration.ofMillis(200)))) {
            server.track(StuckReader.connect(server.frames()));
            RawClient publisher = server.track(RawClient.connect(server.frames()));
            server.awaitSessions(2);
            byte[] body = new byte[16 * 1024];
            for (int i = 0; i < 64; i++) {
                publisher.send(body);
            }
            // Messages keep coming, a little at a time: each offer looks at how long the queue has been over.
            await().atMost(TestServer.PATIENCE).pollInterval(Duration.ofMillis(50)).until(() -> {
                publisher.send(body);
                return server.server().sessionStats().closes(CloseReason.SLOW_CONSUMER) == 1;
            });
            assertThat(logs.messages(Level.INFO)).anyMatch(line -> line.contains("too slow reading")
                    && line.contains("over 64 KiB queued") && line.contains("--queue-soft-bytes 64 KiB"));
            // The publisher stays: only the reader was cut.
            await().until(() -> server.server().sessions().size() == 1);
            assertThat(server.server().sessionStats().closes(CloseReason.SLOW_CONSUMER)).isEqualTo(1);
        }
    }
}
