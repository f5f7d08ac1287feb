package dev.fanout.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.server.session.CloseReason;
import dev.fanout.server.session.Session;
import dev.fanout.server.session.SlowConsumerPolicy;
import dev.fanout.server.testing.LineClient;
import dev.fanout.server.testing.RawClient;
import dev.fanout.server.testing.StuckReader;
import dev.fanout.server.testing.TestServer;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class SlowConsumerIntegrationTest {

    private static final int BATCH = 32;

    /** True once every reader has read {@code sent} messages; fails at once if a reader failed. */
    private static boolean caughtUp(List<Future<Integer>> readers, AtomicIntegerArray progress, int sent)
            throws Exception {
        for (Future<Integer> reader : readers) {
            if (reader.isDone()) {
                reader.get();
            }
        }
        for (int i = 0; i < progress.length(); i++) {
            if (progress.get(i) < sent) {
                return false;
            }
        }
        return true;
    }

    @Test
    void clientThatNeverReads_isCutOff_whileTheOthersReceiveEverything() throws Exception {
        int readers = 199;
        int messages = 8_000;
        byte[] body = new byte[1024];
        try (TestServer server = TestServer.start(options -> options.maxFrame(16 * 1024).queueBytes(64 * 1024))) {
            Socket stuck = server.track(StuckReader.connect(server.frames()));
            List<RawClient> others = new ArrayList<>();
            for (int i = 0; i < readers; i++) {
                others.add(server.track(RawClient.connect(server.frames())));
            }
            RawClient publisher = server.track(RawClient.connect(server.frames()));
            server.awaitSessions(readers + 2);
            Session stuckSession = server.sessionOf(stuck);

            // The readers keep pace with the publisher (it waits for them after each small batch), as healthy
            // consumers do; the stuck client falls further behind with every batch until it is cut off.
            AtomicIntegerArray progress = new AtomicIntegerArray(readers);
            ExecutorService pool = Executors.newFixedThreadPool(readers);
            try {
                List<Future<Integer>> counts = new ArrayList<>();
                for (int r = 0; r < readers; r++) {
                    RawClient reader = others.get(r);
                    int slot = r;
                    counts.add(pool.submit(() -> {
                        for (int i = 0; i < messages; i++) {
                            byte[] payload = reader.read();
                            assertThat(payload).as("message %d", i).isNotNull();
                            int got = ByteBuffer.wrap(payload).getInt();
                            assertThat(got).isEqualTo(i);
                            progress.set(slot, i + 1);
                        }
                        return messages;
                    }));
                }
                for (int i = 0; i < messages; i++) {
                    ByteBuffer.wrap(body).putInt(0, i);
                    publisher.send(body);
                    if ((i + 1) % BATCH == 0) {
                        int sent = i + 1;
                        await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                                .until(() -> caughtUp(counts, progress, sent));
                    }
                }
                for (Future<Integer> count : counts) {
                    assertThat(count.get()).isEqualTo(messages);
                }
            } finally {
                pool.shutdownNow();
            }
            await().until(stuckSession::isClosed);
            assertThat(stuckSession.closeReason()).isEqualTo(CloseReason.SLOW_CONSUMER);
            assertThat(server.server().sessionStats().closes(CloseReason.SLOW_CONSUMER)).isEqualTo(1);
            assertThat(server.server().sessions().size()).isEqualTo(readers + 1);
        }
    }

    @Test
    void dropOldest_keepsTheSlowLinesClientAndTellsItHowManyItMissed() throws Exception {
        try (TestServer server = TestServer.start(options -> options
                .maxFrame(4096).queueBytes(16 * 1024).slowConsumer(SlowConsumerPolicy.DROP_OLDEST))) {
            Socket slowSocket = StuckReader.connect(server.lines());
            LineClient publisher = server.lineClient();
            server.awaitSessions(2);
            Session slow = server.sessionOf(slowSocket);
            String text = "x".repeat(1000);
            // Enough to fill the kernel buffers and the 16 KiB queue many times over.
            int sent = 0;
            while (server.server().sessionStats().dropped() == 0) {
                for (int i = 0; i < 100; i++) {
                    publisher.send(text);
                }
                sent += 100;
                assertThat(sent).as("messages sent before any was dropped").isLessThan(200_000);
            }
            assertThat(slow.isClosed()).isFalse();
            // Issue 12, #4: delivered means written to the client's socket, so dropped messages are not counted.
            long dropped = server.server().sessionStats().dropped();
            assertThat(server.server().sessionStats().delivered()).as("delivered, with %d dropped", dropped)
                    .isLessThanOrEqualTo(sent - dropped);
            // Now read: after what was kept, the client is told how many it missed.
            LineClient reader = server.track(LineClient.over(slowSocket));
            String notice = reader.awaitLine(line -> line.startsWith("*** you missed"));
            assertThat(notice).matches("\\*\\*\\* you missed \\d+ messages because you read too slowly");
            assertThat(slow.isClosed()).isFalse();
        }
    }
}
