package dev.fanout.server.frames;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.server.session.CloseReason;
import dev.fanout.server.session.Session;
import dev.fanout.server.testing.RawClient;
import dev.fanout.server.testing.TestServer;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, C and D: frames still arriving pinned memory without limit, and half-sent frames were held
 * forever. Frames in assembly are now bounded server-wide, and a frame that has started must finish in time.
 */
class PartialFramesIntegrationTest {

    private static final int MAX_FRAME = 1024 * 1024;

    /** A raw connection that sends {@code bytes} and nothing more. */
    private static Socket sending(TestServer server, byte[] bytes) throws Exception {
        Socket socket = server.track(new Socket());
        socket.connect(server.frames());
        OutputStream out = socket.getOutputStream();
        out.write(bytes);
        out.flush();
        return socket;
    }

    /** A length prefix announcing a full-size frame, then all of it but its last byte. */
    private static byte[] almostWholeFrame() {
        ByteBuffer frame = ByteBuffer.allocate(4 + MAX_FRAME - 1);
        frame.putInt(MAX_FRAME);
        return frame.array();
    }

    @Test
    void manyConnectionsHoldingAlmostWholeFrames_stayWithinTheInboundBudget_andOthersAreServed() throws Exception {
        long budget = 8L * MAX_FRAME;
        int holders = 40;
        try (TestServer server = TestServer.start(options -> options.maxFrame(MAX_FRAME)
                .totalInboundBytes(budget).frameTimeout(Duration.ofSeconds(1)))) {
            InboundBudget inbound = server.server().inboundBudget();
            AtomicLong most = new AtomicLong();
            List<Socket> sockets = new ArrayList<>();
            for (int i = 0; i < holders; i++) {
                sockets.add(sending(server, almostWholeFrame()));
                most.accumulateAndGet(inbound.chargedBytes(), Math::max);
            }
            await().until(() -> {
                most.accumulateAndGet(inbound.chargedBytes(), Math::max);
                return inbound.waits() > 0 && inbound.chargedBytes() == budget;
            });
            // Meanwhile the server serves everyone else as usual.
            RawClient reader = server.rawClient();
            RawClient publisher = server.rawClient();
            publisher.send("still served");
            assertThat(reader.readText()).isEqualTo("still served");

            // None of them finishes: each is cut at its deadline and gives back what it held; those waiting for
            // the budget get it in turn (their wait does not count against their deadline), and are cut in turn.
            await().atMost(TestServer.PATIENCE).until(() -> {
                most.accumulateAndGet(inbound.chargedBytes(), Math::max);
                return server.server().sessionStats().closes(CloseReason.FRAME_TIMEOUT) == holders;
            });
            assertThat(most.get()).as("most bytes held by frames in assembly at once").isLessThanOrEqualTo(budget);
            await().until(() -> inbound.chargedBytes() == 0);
            server.awaitSessions(2);
        }
    }

    @Test
    void frameThatCompletesAfterWaitingForTheBudget_isPublished() throws Exception {
        try (TestServer server = TestServer.start(options -> options.maxFrame(MAX_FRAME)
                .totalInboundBytes(MAX_FRAME).frameTimeout(Duration.ofSeconds(2)))) {
            RawClient reader = server.rawClient();
            Socket hog = sending(server, almostWholeFrame());
            await().until(() -> server.server().inboundBudget().chargedBytes() == MAX_FRAME);
            Session hogSession = server.sessionOf(hog);
            // A second large frame must wait for the hog's budget, which its deadline gives back.
            byte[] payload = new byte[MAX_FRAME / 2];
            payload[0] = 42;
            Socket patient = sending(server, ByteBuffer.allocate(4).putInt(payload.length).array());
            patient.getOutputStream().write(payload, 0, 1000);
            await().until(() -> server.server().inboundBudget().waits() > 0);
            patient.getOutputStream().write(payload, 1000, payload.length - 1000);

            byte[] got = reader.read();
            assertThat(got).hasSize(payload.length).startsWith((byte) 42);
            assertThat(hogSession.closeReason()).isEqualTo(CloseReason.FRAME_TIMEOUT);
        }
    }

    @Test
    void halfSentFrames_areCutAtTheFrameDeadline_butASilentReaderIsNot() throws Exception {
        try (TestServer server = TestServer.start(options -> options.frameTimeout(Duration.ofMillis(300)))) {
            RawClient idleReader = server.rawClient();
            Session idle = server.sessionOf(idleReader.socket());
            Socket twoBytesOfALength = sending(server, new byte[] {0, 0});
            Socket lengthAlone = sending(server, ByteBuffer.allocate(4).putInt(100).array());
            Socket cutMidPayload = sending(server, ByteBuffer.allocate(54).putInt(100).array());
            server.awaitSessions(4);
            List<Session> partial = List.of(server.sessionOf(twoBytesOfALength), server.sessionOf(lengthAlone),
                    server.sessionOf(cutMidPayload));

            await().until(() -> partial.stream().allMatch(Session::isClosed));
            assertThat(partial).allMatch(s -> s.closeReason() == CloseReason.FRAME_TIMEOUT);
            // The reader sends nothing at all: it is idle by design, and stays past several deadlines.
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> !idle.isClosed());
        }
    }

    @Test
    void frameTrickledOneByteAtATime_isCutAtTheDeadline() throws Exception {
        try (TestServer server = TestServer.start(options -> options.frameTimeout(Duration.ofMillis(500)))) {
            Socket trickler = sending(server, new byte[] {0});
            server.awaitSessions(1);
            Session session = server.sessionOf(trickler);
            OutputStream out = trickler.getOutputStream();
            byte[] rest = ByteBuffer.allocate(3 + 100).put((byte) 0).put((byte) 0).put((byte) 100).array();
            // One byte every 50 ms: steady traffic, but the frame needs 5 s and its deadline is 0.5 s.
            for (int i = 0; i < rest.length && !session.isClosed(); i++) {
                out.write(rest[i]);
                out.flush();
                await().pollDelay(Duration.ofMillis(50)).until(() -> true);
            }
            await().until(session::isClosed);
            assertThat(session.closeReason()).isEqualTo(CloseReason.FRAME_TIMEOUT);
        }
    }
}
