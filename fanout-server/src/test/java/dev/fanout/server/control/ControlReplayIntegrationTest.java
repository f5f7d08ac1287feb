package dev.fanout.server.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fanout.protocol.control.ControlFrame;
import dev.fanout.protocol.control.ResumeMode;
import dev.fanout.server.testing.ControlClient;
import dev.fanout.server.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Control mode's replay from history and the start of subscriptions, as a client sees them on the wire. */
class ControlReplayIntegrationTest {

    /** Far shorter than the ping interval, whose PING would flush whatever the server left unflushed. */
    private static final int READ_TIMEOUT_MILLIS = 5_000;

    private final TestServer server = TestServer.start();

    @AfterEach
    void tearDown() {
        server.close();
    }

    @Test
    void replay_reachesTheClient_withoutWaitingForOtherTraffic() throws Exception {
        try (ControlClient writer = ControlClient.connect(server.frames());
             ControlClient reader = ControlClient.connect(server.frames())) {
            for (int i = 1; i <= 3; i++) {
                writer.send(ControlModeIntegrationTest.pub(i, "replayed", "m" + i));
                writer.read(ControlFrame.Ack.class);
            }
            reader.raw().socket().setSoTimeout(READ_TIMEOUT_MILLIS);

            // Regression: the replayed MSGs were written but not flushed, so they sat in the server until a
            // PING (30 s later) or a live message flushed them.
            reader.send(new ControlFrame.Sub(1, false, ResumeMode.FROM, 0, 1, "replayed", List.of()));
            ControlFrame.Subscribed subscribed = reader.read(ControlFrame.Subscribed.class);
            List<ControlFrame.Msg> replayed = reader.readMessages(3);

            assertThat(subscribed.lastSequence()).isEqualTo(3);
            assertThat(replayed).extracting(ControlFrame.Msg::sequence).containsExactly(1L, 2L, 3L);
            assertThat(replayed).extracting(ControlModeIntegrationTest::text).containsExactly("m1", "m2", "m3");
        }
    }

    @Test
    void patternSubscribed_coversEveryMatchingPublishAfterIt_onNewAndExistingTopics() throws Exception {
        try (ControlClient writer = ControlClient.connect(server.frames());
             ControlClient reader = ControlClient.connect(server.frames())) {
            reader.raw().socket().setSoTimeout(READ_TIMEOUT_MILLIS);
            // Regression: SUBSCRIBED went out before the pattern watched for new topics and joined the existing
            // ones, so a publish right after it could be missed. A race: tried many times.
            for (int round = 1; round <= 40; round++) {
                String pattern = "race" + round + ".*";
                writer.send(ControlModeIntegrationTest.pub(1, "race" + round + ".old", "before"));
                writer.read(ControlFrame.Ack.class);
                reader.send(new ControlFrame.Sub(round, false, ResumeMode.NEW, 0, 0, pattern, List.of()));
                reader.read(ControlFrame.Subscribed.class);
                writer.send(ControlModeIntegrationTest.pub(0, "race" + round + ".new", "new"));
                writer.send(ControlModeIntegrationTest.pub(0, "race" + round + ".old", "old"));

                List<ControlFrame.Msg> got = reader.readMessages(2);
                assertThat(got).as("round %d", round).extracting(ControlModeIntegrationTest::text)
                        .containsExactlyInAnyOrder("new", "old");
            }
        }
    }
}
