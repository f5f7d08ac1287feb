package dev.fanout.server.control;

import static dev.fanout.server.control.ControlModeIntegrationTest.text;
import static dev.fanout.server.control.ResumeIntegrationTest.from;
import static dev.fanout.server.control.ResumeIntegrationTest.publish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.fanout.hub.Hub;
import dev.fanout.hub.Topic;
import dev.fanout.protocol.control.ControlFrame;
import dev.fanout.server.testing.ControlClient;
import dev.fanout.server.testing.LineClient;
import dev.fanout.server.testing.LogCapture;
import dev.fanout.server.testing.TestServer;
import dev.fanout.store.disk.DiskOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server restarted on the same --data-dir serves the same topics, epochs and numbers to resuming clients. */
class DiskRestartIntegrationTest {

    @TempDir
    Path data;

    private TestServer start(int maxTopics) {
        return TestServer.start(options -> options.disk(DiskOptions.in(data)).maxTopics(maxTopics));
    }

    private TestServer start() {
        return start(100);
    }

    @Test
    void afterACleanRestart_aClientResumingFromNGetsNOn_andTheNextPublishGetsTheNextNumber() throws IOException {
        ControlFrame.Ack last;
        try (TestServer before = start()) {
            last = publish(before, "t", "m", 100);
        }
        try (TestServer after = start();
             ControlClient reader = ControlClient.connect(after.frames())) {
            reader.send(from(1, "t", last.epoch(), 50));
            ControlFrame.Subscribed subscribed = reader.read(ControlFrame.Subscribed.class);
            assertThat(subscribed.epoch()).isEqualTo(last.epoch());
            assertThat(subscribed.lastSequence()).isEqualTo(100);
            List<ControlFrame.Msg> replayed = reader.readMessages(51);
            assertThat(replayed).extracting(ControlFrame.Msg::sequence).first().isEqualTo(50L);
            assertThat(replayed).extracting(ControlFrame.Msg::sequence).last().isEqualTo(100L);
            assertThat(text(replayed.get(0))).isEqualTo("m50");

            ControlFrame.Ack next = publish(after, "t", "after", 1);
            assertThat(next.epoch()).isEqualTo(last.epoch());
            assertThat(next.sequence()).isEqualTo(101);
            ControlFrame.Msg live = reader.read(ControlFrame.Msg.class);
            assertThat(live.sequence()).isEqualTo(101);
        }
    }

    @Test
    void aWipedDirectory_givesANewEpoch_andAResumingClientIsToldReset() throws IOException {
        ControlFrame.Ack last;
        try (TestServer before = start()) {
            last = publish(before, "t", "m", 5);
        }
        try (Stream<Path> files = Files.walk(data)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
        try (TestServer after = start();
             ControlClient reader = ControlClient.connect(after.frames())) {
            reader.send(from(1, "t", last.epoch(), 6));
            reader.read(ControlFrame.Subscribed.class);
            ControlFrame.Reset reset = reader.read(ControlFrame.Reset.class);
            assertThat(reset.clientEpoch()).isEqualTo(last.epoch());
            assertThat(reset.epoch()).isNotEqualTo(last.epoch());
        }
    }

    @Test
    void aLogDamagedWhileStopped_isNotServed_andAResumingClientIsToldReset() throws IOException {
        ControlFrame.Ack last;
        try (TestServer before = start()) {
            last = publish(before, "t", "m", 20);
        }
        Path segment;
        try (Stream<Path> files = Files.list(data)) {
            segment = files.filter(f -> f.getFileName().toString().endsWith(".log")).sorted().findFirst()
                    .orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(segment);
        bytes[bytes.length / 2] ^= 0x20;
        Files.write(segment, bytes);
        try (LogCapture logs = LogCapture.named("dev.fanout.store.disk");
             TestServer after = start();
             ControlClient reader = ControlClient.connect(after.frames())) {
            assertThat(logs.messages(Level.WARN)).anyMatch(w -> w.contains("history log damaged"));
            reader.send(from(1, "t", last.epoch(), 1));
            reader.read(ControlFrame.Subscribed.class);
            ControlFrame.Reset reset = reader.read(ControlFrame.Reset.class);
            assertThat(reset.epoch()).isNotEqualTo(last.epoch());
            assertThat(reset.clientEpoch()).isEqualTo(last.epoch());
            ControlFrame.Ack next = publish(after, "t", "after", 1);
            assertThat(next.epoch()).isEqualTo(reset.epoch());
            // What survived the damage comes again under the new epoch, each message intact, then the new one.
            for (long seq = reset.firstHeld(); seq < next.sequence(); seq++) {
                ControlFrame.Msg survivor = reader.read(ControlFrame.Msg.class);
                assertThat(survivor.sequence()).isEqualTo(seq);
                assertThat(text(survivor)).isEqualTo("m" + seq);
            }
            ControlFrame.Msg newest = reader.read(ControlFrame.Msg.class);
            assertThat(newest.sequence()).isEqualTo(next.sequence());
            assertThat(text(newest)).isEqualTo("after1");
        }
    }

    @Test
    void restoredTopicsAreTheHubsTopics_withTheirNumbering_andChatHistoryKeepsItsNames() throws IOException {
        try (TestServer before = start();
             LineClient alice = before.lineClient("alice")) {
            alice.send("hello from before");
            // Before a frames client connects: it would get the lobby's message as a raw frame before its HELLO.
            await().until(() -> before.server().hub().find("lobby").lastSequence() == 1);
            publish(before, "news", "n", 3);
        }
        try (TestServer after = start();
             LineClient bob = after.lineClient("bob")) {
            Hub hub = after.server().hub();
            assertThat(hub.topics()).extracting(Topic::name).contains("lobby", "news");
            assertThat(hub.find("news").lastSequence()).isEqualTo(3);
            bob.send("/history 5");
            bob.awaitLine("alice: hello from before");
        }
    }

    @Test
    void moreTopicsOnDiskThanMaxTopics_theOnesPublishedToLongestAgoAreForgotten() throws IOException {
        try (TestServer before = start()) {
            for (int i = 1; i <= 5; i++) {
                publish(before, "topic" + i, "m", 1);
            }
        }
        try (LogCapture logs = LogCapture.of(Hub.class);
             TestServer after = start(4)) {
            assertThat(after.server().hub().topics()).hasSize(4);
            assertThat(after.server().hub().find("topic5")).isNotNull();
            assertThat(logs.messages(Level.WARN)).anyMatch(w -> w.contains("more than --max-topics 4"));
        }
    }
}
