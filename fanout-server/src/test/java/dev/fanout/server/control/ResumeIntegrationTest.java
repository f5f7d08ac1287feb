package dev.fanout.server.control;

import static dev.fanout.server.control.ControlModeIntegrationTest.pub;
import static dev.fanout.server.control.ControlModeIntegrationTest.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.protocol.control.ControlFrame;
import dev.fanout.protocol.control.GapCause;
import dev.fanout.protocol.control.ResumeMode;
import dev.fanout.protocol.control.TopicPosition;
import dev.fanout.server.ServerOptions;
import dev.fanout.server.testing.ControlClient;
import dev.fanout.server.testing.TestServer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** SUB from a position, the last K, or a pattern's positions: replay, then live, with the gaps told. */
class ResumeIntegrationTest {

    private static final int HISTORY = 50;

    private final TestServer server = start(options -> options.history(HISTORY));

    /** Starts a server for a test, its history in memory; {@link DiskResumeIntegrationTest} keeps it on disk. */
    TestServer start(UnaryOperator<ServerOptions.Builder> options) {
        return TestServer.start(options);
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    /** The server this test runs against. */
    TestServer server() {
        return server;
    }

    /** Publishes {@code n} acknowledged messages {@code prefix1..prefixN} to {@code topic}; returns the last ACK. */
    private ControlFrame.Ack publish(String topic, String prefix, int n) throws IOException {
        return publish(server, topic, prefix, n);
    }

    static ControlFrame.Ack publish(TestServer server, String topic, String prefix, int n)
            throws IOException {
        try (ControlClient writer = ControlClient.connect(server.frames())) {
            for (int i = 1; i <= n; i++) {
                writer.send(pub(i, topic, prefix + i));
            }
            ControlFrame.Ack last = null;
            for (int i = 1; i <= n; i++) {
                last = writer.read(ControlFrame.Ack.class);
            }
            return last;
        }
    }

    static ControlFrame.Sub from(int id, String topic, long epoch, long sequence) {
        return new ControlFrame.Sub(id, false, ResumeMode.FROM, epoch, sequence, topic, List.of());
    }

    @Test
    void from_aHeldSequence_replaysFromIt_thenLive() throws IOException {
        ControlFrame.Ack last = publish("t", "m", 10);
        try (ControlClient reader = ControlClient.connect(server.frames())) {
            reader.send(from(1, "t", last.epoch(), 4));
            ControlFrame.Subscribed subscribed = reader.read(ControlFrame.Subscribed.class);
            assertThat(subscribed.epoch()).isEqualTo(last.epoch());
            assertThat(subscribed.lastSequence()).isEqualTo(10);
            List<ControlFrame.Msg> replayed = reader.readMessages(7);
            assertThat(replayed).extracting(ControlFrame.Msg::sequence)
                    .containsExactly(4L, 5L, 6L, 7L, 8L, 9L, 10L);
            assertThat(text(replayed.get(0))).isEqualTo("m4");
            publish("t", "live", 1);
            ControlFrame.Msg live = reader.read(ControlFrame.Msg.class);
            assertThat(live.sequence()).isEqualTo(11);
            assertThat(text(live)).isEqualTo("live1");
        }
    }

    @Test
    void from_olderThanHeld_isToldGap_thenGetsTheOldestHeld() throws IOException {
        ControlFrame.Ack last = publish("t", "m", HISTORY + 20);
        try (ControlClient reader = ControlClient.connect(server.frames())) {
            reader.send(from(1, "t", last.epoch(), 5));
            reader.read(ControlFrame.Subscribed.class);
            ControlFrame.Gap gap = reader.read(ControlFrame.Gap.class);
            assertThat(gap.cause()).isEqualTo(GapCause.HISTORY);
            assertThat(gap.firstMissing()).isEqualTo(5);
            assertThat(gap.lastMissing()).isEqualTo(20);
            assertThat(gap.firstHeld()).isEqualTo(21);
            assertThat(gap.lastHeld()).isEqualTo(HISTORY + 20);
            List<ControlFrame.Msg> replayed = reader.readMessages(HISTORY);
            assertThat(replayed.get(0).sequence()).isEqualTo(21);
            assertThat(replayed.get(HISTORY - 1).sequence()).isEqualTo(HISTORY + 20);
        }
    }

    @Test
    void from_anotherEpoch_isToldReset_thenGetsEverythingHeld() throws IOException {
        ControlFrame.Ack last = publish("t", "m", 3);
        try (ControlClient reader = ControlClient.connect(server.frames())) {
            reader.send(from(1, "t", last.epoch() + 1, 2));
            reader.read(ControlFrame.Subscribed.class);
            ControlFrame.Reset reset = reader.read(ControlFrame.Reset.class);
            assertThat(reset.clientEpoch()).isEqualTo(last.epoch() + 1);
            assertThat(reset.epoch()).isEqualTo(last.epoch());
            assertThat(reset.firstHeld()).isEqualTo(1);
            assertThat(reset.lastHeld()).isEqualTo(3);
            assertThat(reader.readMessages(3)).extracting(ControlFrame.Msg::sequence).containsExactly(1L, 2L, 3L);
        }
    }

    @Test
    void last_k_replaysTheNewestK() throws IOException {
        publish("t", "m", 10);
        try (ControlClient reader = ControlClient.connect(server.frames())) {
            reader.send(new ControlFrame.Sub(1, false, ResumeMode.LAST, 0, 3, "t", List.of()));
            reader.read(ControlFrame.Subscribed.class);
            assertThat(reader.readMessages(3)).extracting(ControlModeIntegrationTest::text)
                    .containsExactly("m8", "m9", "m10");
            reader.send(new ControlFrame.Ping(1));
            assertThat(reader.read(ControlFrame.Pong.class).token()).isEqualTo(1);
        }
    }

    @Test
    void from_atTheSeamUnderConcurrentPublishing_hasNoGapAndNoDuplicate() throws Exception {
        int before = 30;
        int during = 3_000;
        // History that holds everything: a publisher faster than the replay must not push it out (that would be
        // an honest GAP, which the other tests cover).
        try (TestServer roomy = start(options -> options.history(10_000))) {
            seam(roomy, before, during);
        }
    }

    private static void seam(TestServer server, int before, int during) throws Exception {
        ControlFrame.Ack last = publish(server, "t", "m", before);
        AtomicBoolean failed = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread publisher = new Thread(() -> {
            try (ControlClient writer = ControlClient.connect(server.frames())) {
                for (int i = 1; i <= during; i++) {
                    writer.send(pub(0, "t", "d" + i));
                }
                writer.send(new ControlFrame.Ping(1));
                writer.readUntil(ControlFrame.Pong.class);
            } catch (Throwable e) {
                failed.set(true);
                failure.set(e);
            }
        }, "publisher");
        try (ControlClient reader = ControlClient.connect(server.frames())) {
            publisher.start();
            // Resume from the first message while the publisher runs: replay and live meet at a moving seam.
            reader.send(from(1, "t", last.epoch(), 1));
            reader.read(ControlFrame.Subscribed.class);
            List<Long> sequences = new ArrayList<>();
            while (sequences.size() < before + during) {
                ControlFrame frame = reader.read();
                assertThat(frame).as("after %d messages", sequences.size()).isInstanceOf(ControlFrame.Msg.class);
                sequences.add(((ControlFrame.Msg) frame).sequence());
            }
            publisher.join();
            assertThat(failed).as("publisher: %s", failure.get()).isFalse();
            for (int i = 0; i < sequences.size(); i++) {
                assertThat(sequences.get(i)).as("message %d", i).isEqualTo(i + 1L);
            }
        }
    }

    @Test
    void pattern_withPositions_resumesEachTopic_andJoinsNewTopicsFromTheirFirstMessage() throws IOException {
        ControlFrame.Ack eur = publish("prices.eur", "e", 5);
        publish("prices.usd", "u", 2);
        try (ControlClient reader = ControlClient.connect(server.frames())) {
            reader.send(new ControlFrame.Sub(1, false, ResumeMode.NEW, 0, 0, "prices.*",
                    List.of(new TopicPosition("prices.eur", eur.epoch(), 4))));
            // A pattern's replay may come before its SUBSCRIBED, which says it is in place for what follows.
            List<String> replayed = new ArrayList<>();
            for (ControlFrame frame = reader.read(); !(frame instanceof ControlFrame.Subscribed);
                    frame = reader.read()) {
                ControlFrame.Msg msg = (ControlFrame.Msg) frame;
                replayed.add(msg.topic() + "#" + msg.sequence());
            }
            while (replayed.size() < 2) {
                ControlFrame.Msg msg = reader.read(ControlFrame.Msg.class);
                replayed.add(msg.topic() + "#" + msg.sequence());
            }
            assertThat(replayed).containsExactly("prices.eur#4", "prices.eur#5");
            publish("prices.gbp", "g", 1);
            publish("prices.usd", "u", 1);
            assertThat(reader.readMessages(2)).extracting(m -> m.topic() + "#" + m.sequence())
                    .containsExactlyInAnyOrder("prices.gbp#1", "prices.usd#3");
        }
    }

    /** The server's clock (the system's) once it has moved past now: a moment no earlier message shares. */
    private static long nextMillis() {
        long now = System.currentTimeMillis();
        await().until(() -> System.currentTimeMillis() > now);
        return System.currentTimeMillis();
    }

    private static ControlFrame.Sub since(int id, String filter, long moment) {
        return new ControlFrame.Sub(id, false, ResumeMode.SINCE, 0, moment, filter, List.of());
    }

    @Test
    void since_aMoment_replaysWhatWasPublishedFromThenOn_thenLive() throws IOException {
        publish("t", "old", 3);
        long moment = nextMillis();
        publish("t", "new", 2);
        try (ControlClient reader = ControlClient.connect(server.frames())) {
            reader.send(since(1, "t", moment));
            reader.read(ControlFrame.Subscribed.class);
            assertThat(reader.readMessages(2)).extracting(ControlModeIntegrationTest::text)
                    .containsExactly("new1", "new2");
            publish("t", "live", 1);
            assertThat(text(reader.read(ControlFrame.Msg.class))).isEqualTo("live1");
        }
    }

    @Test
    void since_aMomentWhoseMessagesWereTrimmed_isToldGap_thenGetsWhatIsHeld() throws IOException {
        long moment = System.currentTimeMillis();
        ControlFrame.Ack last = publish("t", "m", HISTORY + 5);
        try (ControlClient reader = ControlClient.connect(server.frames())) {
            reader.send(since(1, "t", moment));
            reader.read(ControlFrame.Subscribed.class);
            ControlFrame.Gap gap = reader.read(ControlFrame.Gap.class);
            assertThat(gap.cause()).isEqualTo(GapCause.HISTORY);
            assertThat(gap.epoch()).isEqualTo(last.epoch());
            assertThat(gap.firstMissing()).isEqualTo(1);
            assertThat(gap.lastMissing()).isEqualTo(5);
            List<ControlFrame.Msg> held = reader.readMessages(HISTORY);
            assertThat(held.get(0).sequence()).isEqualTo(6);
            assertThat(held.get(HISTORY - 1).sequence()).isEqualTo(HISTORY + 5);
        }
    }

    @Test
    void pattern_subscribedCarriesTheMomentItTookEffect_andSinceThenResumesTopicsNeverHeardFrom()
            throws IOException {
        publish("feed.old", "before", 1);
        long before = nextMillis();
        long moment;
        try (ControlClient first = ControlClient.connect(server.frames())) {
            first.send(new ControlFrame.Sub(1, false, ResumeMode.NEW, 0, 0, "feed.>", List.of()));
            ControlFrame.Subscribed subscribed = first.read(ControlFrame.Subscribed.class);
            assertThat(subscribed.epoch()).isZero();
            assertThat(subscribed.since()).isBetween(before, System.currentTimeMillis());
            moment = subscribed.since();
        }
        // While the client is away: a topic it matched but never heard from, and a new one.
        publish("feed.old", "away", 1);
        publish("feed.new", "away", 1);
        try (ControlClient again = ControlClient.connect(server.frames())) {
            again.send(since(1, "feed.>", moment));
            List<String> got = new ArrayList<>();
            while (got.size() < 2) {
                ControlFrame frame = again.read();
                if (frame instanceof ControlFrame.Msg msg) {
                    got.add(msg.topic() + "#" + msg.sequence() + ":" + text(msg));
                } else {
                    assertThat(frame).isInstanceOf(ControlFrame.Subscribed.class);
                }
            }
            assertThat(got).containsExactlyInAnyOrder("feed.old#2:away1", "feed.new#1:away1");
        }
    }
}
