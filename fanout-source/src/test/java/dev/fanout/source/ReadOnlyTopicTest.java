package dev.fanout.source;

import static dev.fanout.source.SourceTesting.QUICK;
import static dev.fanout.source.SourceTesting.startSource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.fanout.protocol.control.ControlFrame;
import dev.fanout.protocol.control.ErrorCode;
import dev.fanout.server.session.CloseReason;
import dev.fanout.server.session.Session;
import dev.fanout.server.testing.ControlClient;
import dev.fanout.server.testing.LineClient;
import dev.fanout.server.testing.LogCapture;
import dev.fanout.server.testing.RawClient;
import dev.fanout.server.testing.TestServer;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Clients may not publish to a topic a source feeds, unless the server allows it; each protocol says so its way. */
class ReadOnlyTopicTest {

    /** A source that feeds {@code prices} and never sends anything: a command that waits. */
    private static void pricesSource(TestServer server) {
        startSource(server, "prices=exec:sleep 300", QUICK);
    }

    private static ControlFrame.Pub pub(long id, String topic, String text) {
        return new ControlFrame.Pub(id, topic, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    @Test
    void control_aPublishToASourceTopic_isRefusedWithNotAllowed() throws Exception {
        try (TestServer server = TestServer.start()) {
            pricesSource(server);
            ControlClient client = server.track(ControlClient.connect(server.frames()));

            client.send(pub(7, "prices", "fake price"));

            ControlFrame.Error error = client.read(ControlFrame.Error.class);
            assertThat(error.code()).isEqualTo(ErrorCode.NOT_ALLOWED);
            assertThat(error.ref()).isEqualTo(7);
            assertThat(error.text()).contains("prices").contains("read-only").contains("--allow-publish")
                    .as("which source, whose command may hold secrets, is not told").doesNotContain("sleep");
            // Other topics are not affected.
            client.send(pub(8, "news", "fine"));
            assertThat(client.read(ControlFrame.Ack.class).publishId()).isEqualTo(8);
        }
    }

    @Test
    void control_withAllowPublish_aPublishToASourceTopicIsTaken() throws Exception {
        try (TestServer server = TestServer.start(options -> options.allowPublish(true))) {
            pricesSource(server);
            ControlClient client = server.track(ControlClient.connect(server.frames()));

            client.send(pub(7, "prices", "operator's correction"));

            assertThat(client.read(ControlFrame.Ack.class).sequence()).isEqualTo(1);
        }
    }

    @Test
    void lines_aLineInASourceRoom_getsAnErrorLine() throws Exception {
        try (TestServer server = TestServer.start()) {
            pricesSource(server);
            LineClient chat = server.lineClient("alice");
            chat.send("/join prices");
            chat.awaitLine(line -> line.contains("you are now in prices"));

            chat.send("buy buy buy");

            assertThat(chat.awaitLine(line -> line.contains("error:"))).contains("not sent")
                    .contains("read-only");
            assertThat(server.server().hub().find("prices").lastSequence()).isZero();
        }
    }

    @Test
    void raw_aFrameToTheDefaultTopicFedByASource_closesTheClient_withTheReasonLogged() throws Exception {
        try (TestServer server = TestServer.start();
             LogCapture logs = LogCapture.of(Session.class)) {
            startSource(server, "exec:sleep 300", QUICK);
            RawClient publisher = server.rawClient();

            publisher.send("not allowed");

            await().until(() -> server.server().sessionStats().closes().getOrDefault(CloseReason.READ_ONLY, 0L) == 1);
            assertThat(logs.messages(Level.INFO)).anyMatch(m -> m.contains("published to a read-only topic")
                    && m.contains("lobby"));
        }
    }
}
