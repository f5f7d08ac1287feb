package dev.fanout.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.server.session.CloseReason;
import dev.fanout.server.session.Session;
import dev.fanout.server.testing.LineClient;
import dev.fanout.server.testing.RawClient;
import dev.fanout.server.testing.TestServer;
import java.io.DataInputStream;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ShutdownIntegrationTest {

    private static Socket unreadSocket(java.net.InetSocketAddress address) throws Exception {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(address);
        return socket;
    }

    @Test
    void close_deliversWhatIsQueuedThenSaysGoodbye() throws Exception {
        int messages = 5_000;
        TestServer server = TestServer.start(options -> options.drainTimeout(Duration.ofSeconds(30))
                .queueBytes(64L * 1024 * 1024));
        Socket rawReader = server.track(unreadSocket(server.frames()));
        Socket lineReader = server.track(unreadSocket(server.lines()));
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
        Socket stuck = server.track(unreadSocket(server.frames()));
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
