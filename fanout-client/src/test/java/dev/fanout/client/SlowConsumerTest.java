package dev.fanout.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.protocol.control.GoodbyeReason;
import dev.fanout.server.session.CloseReason;
import dev.fanout.server.session.SlowConsumerPolicy;
import dev.fanout.server.testing.TestServer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An application slower than the stream: the client stops reading, the server's slow-consumer policy strikes,
 * and the library still hands the application every message, in order, from the server's history.
 */
class SlowConsumerTest {

    /**
     * 20 MB: more than loopback's socket buffers hold, so the server's tiny queue overflows. Large messages, so
     * that the client, slowed by the tests' paranoid leak detection, reads what the sockets hold in well under
     * the server's one second of grace after it says GOODBYE.
     */
    private static final int MESSAGES = 5_000;
    private static final int PAYLOAD = 4_000;

    private TestServer server;
    private Subscription subscription;
    private final Clients clients = new Clients();

    @AfterEach
    void tearDown() {
        clients.close();
        if (server != null) {
            server.close();
        }
    }

    private void start(SlowConsumerPolicy policy) {
        // A close grace long enough for the stalled reader to drain its socket even on a loaded machine, so that
        // the GOODBYE at the end is read rather than cut off.
        server = TestServer.start(options -> options.slowConsumer(policy)
                .closeGrace(Duration.ofSeconds(20))
                .maxFrame(4096)
                .queueBytes(16 * 1024)
                .queueMessages(16)
                .history(100_000)
                .historyBytes(256L * 1024 * 1024)
                .historyTotalBytes(512L * 1024 * 1024));
    }

    @Test
    void dropOldest_theLibraryRefillsFromHistory_andTheApplicationSeesEveryMessageInOrder() throws Exception {
        start(SlowConsumerPolicy.DROP_OLDEST);
        Recorder recorder = new Recorder();
        List<Long> got = runSlowReader(recorder, () -> server.server().sessionStats().dropped() > 0);

        assertThat(server.server().sessionStats().dropped()).isPositive();
        assertThat(got).containsExactlyElementsOf(oneTo(MESSAGES));
        assertThat(subscription.refills()).as("subscribed again to fill what the server dropped").isPositive();
        assertThat(recorder.gaps).isEmpty();
        assertThat(recorder.count("DISCONNECTED")).isZero();
    }

    @Test
    void disconnect_theListenerHearsWhy_andTheLibraryReconnectsAndResumes() throws Exception {
        start(SlowConsumerPolicy.DISCONNECT);
        Recorder recorder = new Recorder();
        List<Long> got = runSlowReader(recorder,
                () -> server.server().sessionStats().closes(CloseReason.SLOW_CONSUMER) > 0);

        assertThat(got).containsExactlyElementsOf(oneTo(MESSAGES));
        assertThat(recorder.gaps).isEmpty();
        await().until(() -> recorder.count("RECONNECTED") >= 1);
        assertThat(recorder.disconnects).isNotEmpty();
        assertThat(recorder.disconnects.get(0).reason()).isEqualTo(GoodbyeReason.SLOW_CONSUMER);
        assertThat(recorder.disconnects.get(0).text()).contains("too slow reading");
    }

    /**
     * Subscribes with a small buffer and a handler that stalls on its first message until {@code struck}, while
     * a writer publishes the whole stream; returns the sequences the handler got, once it got them all.
     */
    private List<Long> runSlowReader(Recorder recorder, BooleanSupplier struck) throws Exception {
        // A small socket buffer, so the server notices the stall soon and the backlog to read after it is small.
        FanoutClient reader = clients.connect(Clients.options(server.frames()).listener(recorder)
                .receiveBuffer(16 * 1024));
        FanoutClient writer = clients.connect(server.frames());
        CountDownLatch release = new CountDownLatch(1);
        List<Long> got = new CopyOnWriteArrayList<>();
        subscription = reader.subscribe("fast", SubscribeOptions.newOnly().withBuffer(64, 1 << 20),
                message -> {
                    if (got.isEmpty()) {
                        assertThat(release.await(Patience.WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
                    }
                    got.add(message.sequence());
                });
        subscription.subscribed().join();

        ByteBuffer payload = ByteBuffer.allocate(PAYLOAD);
        for (int i = 0; i < MESSAGES; i++) {
            writer.publish("fast", payload);
        }
        await().until(struck::getAsBoolean);
        release.countDown();
        await().until(() -> got.size() >= MESSAGES);
        assertThat(subscription.callbackErrors()).isZero();
        return got;
    }

    private static List<Long> oneTo(int n) {
        List<Long> out = new ArrayList<>();
        for (long i = 1; i <= n; i++) {
            out.add(i);
        }
        return out;
    }
}
