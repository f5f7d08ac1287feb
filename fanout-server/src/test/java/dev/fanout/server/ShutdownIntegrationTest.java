package dev.fanout.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.server.session.CloseReason;
import dev.fanout.server.session.Session;
import dev.fanout.server.testing.LineClient;
import dev.fanout.server.testing.RawClient;
import dev.fanout.server.testing.StuckReader;
import dev.fanout.server.testing.TestServer;
import io.netty.channel.EventLoop;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ShutdownIntegrationTest {

    /** What a loaded CI machine may add to the shutdown's own deadline (see the deadline test). */
    private static final Duration SLACK = Duration.ofSeconds(1);
    /** The longest the deadline test keeps an event loop busy: far past the deadline it checks. */
    private static final Duration HOLD = Duration.ofSeconds(10);

    @Test
    void close_deliversWhatIsQueuedThenSaysGoodbye() throws Exception {
        int messages = 5_000;
        TestServer server = TestServer.start(options -> options.drainTimeout(Duration.ofSeconds(30))
                .queueBytes(64L * 1024 * 1024));
        Socket rawReader = server.track(StuckReader.connect(server.frames()));
        Socket lineReader = server.track(StuckReader.connect(server.lines()));
        RawClient publisher = server.track(RawClient.connect(server.frames()));
        server.awaitSessions(3);
        Session queued = server.sessionOf(rawReader);
        byte[] body = new byte[1024];
        for (int i = 0; i < messages; i++) {
            ByteBuffer.wrap(body).putInt(0, i);
            publisher.send(body);
        }
        // Every message is in, and far more than the sockets hold: some of it waits in the server's queue.
        await().until(() -> server.server().hub().stats().published() == messages);
        await().until(() -> queued.queuedBytes() > 0);

        CompletableFuture<Void> closing = CompletableFuture.runAsync(server.server()::close);
        await().until(() -> !connectable(server));

        DataInputStream in = new DataInputStream(rawReader.getInputStream());
        for (int i = 0; i < messages; i++) {
            int length = in.readInt();
            byte[] payload = new byte[length];
            in.readFully(payload);
            assertThat(ByteBuffer.wrap(payload).getInt()).isEqualTo(i);
        }
        assertThat(in.read()).as("end of stream after the last message").isEqualTo(-1);

        LineClient lines = LineClient.over(lineReader);
        assertThat(lines.awaitEnd()).last().isEqualTo("*** disconnected: server shutting down");
        closing.get();
        assertThat(server.server().closeFuture()).isDone();
        assertThat(server.server().sessionStats().closes(CloseReason.SHUTDOWN)).isEqualTo(3);
    }

    @Test
    void close_withAClientThatNeverReads_cutsItOffAtTheDrainDeadline() throws Exception {
        TestServer server = TestServer.start(options -> options.drainTimeout(Duration.ofMillis(200)));
        Socket stuck = server.track(StuckReader.connect(server.frames()));
        RawClient publisher = server.track(RawClient.connect(server.frames()));
        server.awaitSessions(2);
        Session stuckSession = server.sessionOf(stuck);
        byte[] body = new byte[1024];
        while (stuckSession.queuedBytes() == 0) {
            publisher.send(body);
        }
        server.server().close();
        assertThat(server.server().closeFuture()).isDone();
        assertThat(stuckSession.closeReason()).isEqualTo(CloseReason.SHUTDOWN);
        DataInputStream in = new DataInputStream(stuck.getInputStream());
        try {
            while (true) {
                in.readFully(body);
            }
        } catch (EOFException | java.net.SocketException ended) {
            // The connection was cut: what the drain time did not cover is lost, as the log says.
        }
    }

    /**
     * Issue 12 item 9, SIGTERM overran {@code --drain-timeout}: 7.2 s after SIGTERM under load and 13.9 s under
     * heap pressure, with the timeout at 5 s. Hundreds of clients that never read, megabytes queued for each and
     * a publisher still sending; and at the drain deadline the event loops are busy, as under heap pressure
     * (collection pauses of a second and more were measured under such a load) or a burst of work. The test
     * holds each I/O event loop from the deadline until {@code close()} has returned, or for {@link #HOLD} at
     * most. The old code waited for the loops: up to a second for each stuck client in turn, then for each
     * event loop group until it stopped, so it returned only once the hold ended. {@code close()} must return
     * within the drain timeout plus {@link ServerOptions#SHUTDOWN_GRACE}, whatever the clients and loops do.
     *
     * <p>A deadline is a time, so this test is timed; it is not a flaky timed assertion because what it bounds
     * is a promise the server keeps by its own clock, not a guess at how fast the machine is: on a slow machine
     * the server gets less done before the deadline, not later. {@link #SLACK} covers only what the promise
     * cannot: the closing thread waking late on a loaded 2-core CI machine, or a collection pause. The bound
     * (2.5 s) is still a quarter of what the old code took here.
     */
    @Test
    void close_withManyStuckClientsUnderLoadAndBusyEventLoops_returnsWithinTheDrainTimeoutAndGrace()
            throws Exception {
        Duration drainTimeout = Duration.ofMillis(500);
        int stuckClients = 200;
        try (TestServer server = TestServer.start(options -> options.drainTimeout(drainTimeout)
                .queueBytes(256L * 1024 * 1024).totalQueueBytes(1024L * 1024 * 1024))) {
            List<Socket> stuck = new ArrayList<>();
            for (int i = 0; i < stuckClients; i++) {
                stuck.add(server.track(StuckReader.connect(server.frames())));
            }
            RawClient publisher = server.track(RawClient.connect(server.frames()));
            server.awaitSessions(stuckClients + 1);
            List<Session> stuckSessions = stuck.stream().map(server::sessionOf).toList();
            AtomicBoolean publishing = new AtomicBoolean(true);
            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                byte[] body = new byte[64 * 1024];
                try {
                    while (publishing.get()) {
                        publisher.send(body);
                    }
                } catch (IOException closedByTheServer) {
                    // The shutdown cut the publisher off mid-stream: expected.
                }
            });
            // Megabytes queued for every stuck client, and the publisher still sending when the shutdown starts.
            long megabytes = 2L * 1024 * 1024;
            await().until(() -> stuckSessions.stream().allMatch(session -> session.queuedBytes() >= megabytes));
            Set<EventLoop> loops = server.server().sessions().all().stream().map(Session::eventLoop)
                    .collect(Collectors.toSet());
            CountDownLatch closeReturned = new CountDownLatch(1);
            for (EventLoop loop : loops) {
                loop.schedule(() -> hold(closeReturned), drainTimeout.toNanos(), TimeUnit.NANOSECONDS);
            }

            long started = System.nanoTime();
            server.server().close();
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            closeReturned.countDown();
            publishing.set(false);

            assertThat(took).as("close() with --drain-timeout %d ms", drainTimeout.toMillis())
                    .isLessThanOrEqualTo(drainTimeout.plus(ServerOptions.SHUTDOWN_GRACE).plus(SLACK));
            // What the loops could not do by the deadline they do once free: every stuck client cut as a shutdown.
            await().until(() -> loops.stream().allMatch(EventLoop::isTerminated));
            assertThat(stuckSessions).hasSize(stuckClients)
                    .allSatisfy(session -> assertThat(session.closeReason()).isEqualTo(CloseReason.SHUTDOWN));
            assertThat(server.server().sessionStats().closes(CloseReason.SHUTDOWN)).isEqualTo(stuckClients + 1);
            publisher.close();
            sending.get(TestServer.PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Keeps an event loop busy until {@code release}, or for {@link #HOLD} at most. */
    private static void hold(CountDownLatch release) {
        try {
            release.await(HOLD.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean connectable(TestServer server) {
        try {
            new Socket(server.frames().getAddress(), server.frames().getPort()).close();
            return true;
        } catch (ConnectException refused) {
            return false;
        } catch (java.io.IOException other) {
            return false;
        }
    }
}
