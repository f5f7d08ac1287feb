package dev.fanout.server.control;

import static dev.fanout.server.control.ControlModeIntegrationTest.sub;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.protocol.control.ControlFrame;
import dev.fanout.protocol.control.GapCause;
import dev.fanout.protocol.control.GoodbyeReason;
import dev.fanout.protocol.control.ResumeMode;
import dev.fanout.server.session.CloseReason;
import dev.fanout.server.session.SlowConsumerPolicy;
import dev.fanout.server.testing.ControlClient;
import dev.fanout.server.testing.TestServer;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** A control client too slow for its stream is told: GOODBYE with the reason, or a GAP naming what it missed. */
class ControlSlowConsumerIntegrationTest {

    /** 8 MiB: more than the socket buffers on loopback can hide. */
    private static final int MESSAGES = 8_000;
    private static final int SIZE = 1024;

    /** Publishes MESSAGES acknowledged payloads of SIZE bytes to "t" and waits for the last ACK. */
    private static void flood(TestServer server) throws IOException {
        try (ControlClient writer = ControlClient.connect(server.frames())) {
            for (int i = 1; i <= MESSAGES; i++) {
                writer.send(new ControlFrame.Pub(i == MESSAGES ? 1 : 0, "t", Unpooled.wrappedBuffer(new byte[SIZE])));
            }
            writer.readUntil(ControlFrame.Ack.class);
        }
    }

    @Test
    void disconnectPolicy_slowClientGetsGoodbyeWithTheReason() throws IOException {
        // The client reads only once it has been cut: a grace long enough for it to drain its socket even on a
        // loaded machine, so that the GOODBYE at the end is read rather than cut off.
        try (TestServer server = TestServer.start(options -> options.maxFrame(16 * 1024).queueBytes(64 * 1024)
                .closeGrace(Duration.ofSeconds(20)))) {
            ControlClient slow = server.track(ControlClient.connect(server.frames(), 4096));
            slow.send(sub(1, "t"));
            slow.read(ControlFrame.Subscribed.class);

            flood(server);
            await().until(() -> server.server().sessionStats().closes(CloseReason.SLOW_CONSUMER) == 1);

            ControlFrame.Goodbye goodbye = slow.readUntil(ControlFrame.Goodbye.class);
            assertThat(goodbye.reason()).isEqualTo(GoodbyeReason.SLOW_CONSUMER);
            assertThat(goodbye.text()).contains("--queue-bytes");
            assertThat(slow.read()).isNull();
        }
    }

    @Test
    void dropOldestPolicy_slowClientIsToldTheGap_andCanFillItFromHistory() throws IOException {
        try (TestServer server = TestServer.start(options -> options.maxFrame(16 * 1024).queueBytes(64 * 1024)
                .slowConsumer(SlowConsumerPolicy.DROP_OLDEST).history(10_000).historyBytes(64L * 1024 * 1024))) {
            ControlClient slow = server.track(ControlClient.connect(server.frames(), 4096));
            slow.send(sub(1, "t"));
            ControlFrame.Subscribed subscribed = slow.read(ControlFrame.Subscribed.class);

            flood(server);
            await().until(() -> server.server().sessionStats().dropped() > 0);

            TreeSet<Long> received = new TreeSet<>();
            List<ControlFrame.Gap> gaps = new ArrayList<>();
            while (received.size() + missing(gaps) < MESSAGES) {
                ControlFrame frame = slow.read();
                if (frame instanceof ControlFrame.Msg msg) {
                    received.add(msg.sequence());
                } else if (frame instanceof ControlFrame.Gap gap) {
                    gaps.add(gap);
                }
            }
            assertThat(gaps).isNotEmpty();
            assertThat(gaps).extracting(ControlFrame.Gap::cause).containsOnly(GapCause.DROPPED);
            for (ControlFrame.Gap gap : gaps) {
                assertThat(received.subSet(gap.firstMissing(), true, gap.lastMissing(), true))
                        .as("nothing in a gap was delivered").isEmpty();
            }

            // What was skipped is still in history: a resume from the gap fills it.
            ControlFrame.Gap first = gaps.get(0);
            slow.send(new ControlFrame.Sub(2, false, ResumeMode.FROM, subscribed.epoch(), first.firstMissing(), "t",
                    List.of()));
            slow.readUntil(ControlFrame.Subscribed.class);
            ControlFrame.Msg filled = slow.readUntil(ControlFrame.Msg.class);
            assertThat(filled.subscriptionId()).isEqualTo(2);
            assertThat(filled.sequence()).isEqualTo(first.firstMissing());
        }
    }

    private static long missing(List<ControlFrame.Gap> gaps) {
        return gaps.stream().mapToLong(g -> g.lastMissing() - g.firstMissing() + 1).sum();
    }
}
