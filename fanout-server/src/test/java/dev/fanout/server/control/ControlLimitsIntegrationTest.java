package dev.fanout.server.control;

import static dev.fanout.server.control.ControlModeIntegrationTest.pub;
import static dev.fanout.server.control.ControlModeIntegrationTest.sub;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.protocol.control.ControlFrame;
import dev.fanout.protocol.control.ErrorCode;
import dev.fanout.protocol.control.RefKind;
import dev.fanout.server.testing.ControlClient;
import dev.fanout.server.testing.TestServer;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Subscriptions are bounded per connection and for the whole server; topics by --max-topics. */
class ControlLimitsIntegrationTest {

    private final TestServer server = TestServer.start(options -> options.maxSubscriptions(3)
            .maxTotalSubscriptions(4).maxTopics(5));

    @AfterEach
    void tearDown() {
        server.close();
    }

    private static void subscribed(ControlClient client, int id, String topic) throws IOException {
        client.send(sub(id, topic));
        assertThat(client.read(ControlFrame.Subscribed.class).subscriptionId()).isEqualTo(id);
    }

    @Test
    void subscriptions_overThePerConnectionLimit_areRefused() throws IOException {
        try (ControlClient client = ControlClient.connect(server.frames())) {
            for (int id = 1; id <= 3; id++) {
                subscribed(client, id, "t" + id);
            }
            client.send(sub(4, "t4"));
            ControlFrame.Error error = client.read(ControlFrame.Error.class);
            assertThat(error.code()).isEqualTo(ErrorCode.TOO_MANY_SUBSCRIPTIONS);
            assertThat(error.refKind()).isEqualTo(RefKind.SUBSCRIPTION_ID);
            assertThat(error.ref()).isEqualTo(4);
            assertThat(error.text()).contains("--max-subscriptions");
            client.send(new ControlFrame.Unsub(3));
            subscribed(client, 4, "t4");
        }
    }

    @Test
    void subscriptions_overTheServerWideLimit_areRefused_untilOthersLeave() throws IOException {
        ControlClient other = server.track(ControlClient.connect(server.frames()));
        for (int id = 1; id <= 3; id++) {
            subscribed(other, id, "t" + id);
        }
        try (ControlClient client = ControlClient.connect(server.frames())) {
            subscribed(client, 1, "t1");
            client.send(sub(2, "t2"));
            ControlFrame.Error error = client.readUntil(ControlFrame.Error.class);
            assertThat(error.code()).isEqualTo(ErrorCode.TOO_MANY_SUBSCRIPTIONS);
            assertThat(error.text()).contains("--max-total-subscriptions");

            other.close();
            await().until(() -> server.server().sessions().size() == 1);
            subscribed(client, 2, "t2");
        }
    }

    @Test
    void newTopic_whenEveryTopicHasSubscribers_isRefusedWithTopicLimit() throws IOException {
        try (ControlClient client = ControlClient.connect(server.frames());
             ControlClient more = ControlClient.connect(server.frames())) {
            // lobby plus t1..t3 with subscribers, and t4: five topics, each held.
            for (int id = 1; id <= 3; id++) {
                subscribed(client, id, "t" + id);
            }
            subscribed(more, 1, "t4");
            more.send(pub(9, "t5", "no place"));
            ControlFrame.Error error = more.read(ControlFrame.Error.class);
            assertThat(error.code()).isEqualTo(ErrorCode.TOPIC_LIMIT);
            assertThat(error.ref()).isEqualTo(9);
            assertThat(server.server().hub().stats().topicsRefused()).isEqualTo(1);
        }
    }
}
