package dev.fanout.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.protocol.ByteSize;
import dev.fanout.protocol.control.ControlFrame;
import dev.fanout.protocol.control.ResumeMode;
import dev.fanout.server.session.CloseReason;
import dev.fanout.server.testing.ControlClient;
import dev.fanout.server.testing.LineClient;
import dev.fanout.server.testing.RawClient;
import dev.fanout.server.testing.TestServer;
import dev.fanout.server.testing.TestTls;
import dev.fanout.server.tls.SelfSignedPair;
import dev.fanout.server.tls.TlsOptions;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Garbage from many connections on both ports at once (random bytes, huge length prefixes, frames cut off,
 * half a TLS handshake, plaintext on the TLS port, connections opened and dropped) while good clients (raw, control
 * and chat over TLS) read a publisher's stream: every good client gets every message in order, the server stays
 * up, and what it holds stays within its bounds, measured while it happens.
 */
class FloodIntegrationTest {

    private static final Logger log = LoggerFactory.getLogger(FloodIntegrationTest.class);
    private static final int MESSAGES = 2_000;
    private static final long QUEUE_BUDGET = 16L * 1024 * 1024;
    private static final long INBOUND_BUDGET = 4L * 1024 * 1024;
    /** Connections each attacker opens at most: the flood is bounded in count as well as time. */
    private static final int ATTACKS = 400;
    /** Connections each holding attacker keeps open at once. */
    private static final int HELD = 50;

    @TempDir
    Path directory;

    @Test
    void garbageOnBothPorts_leavesGoodClientsWithEveryMessage_withinTheServersBounds() throws Exception {
        SelfSignedPair pair = TestTls.pair(directory);
        SSLContext trusting = TestTls.client(pair, null);
        try (TestServer server = TestServer.start(builder -> builder
                .tls(TlsOptions.of(pair.certificate(), pair.key()).withPlaintext(Set.of("frames")))
                .maxFrame(64 * 1024).queueBytes(1024 * 1024).totalQueueBytes(QUEUE_BUDGET)
                .totalInboundBytes(INBOUND_BUDGET).frameTimeout(Duration.ofSeconds(1))
                .handshakeTimeout(Duration.ofSeconds(1)).connectRate(0))) {
            RawClient reader = server.rawClient();
            ControlClient subscriber = server.track(ControlClient.connect(server.frames()));
            subscriber.send(new ControlFrame.Sub(1, false, ResumeMode.NEW, 0, 0, "lobby", List.of()));
            subscriber.read(ControlFrame.Subscribed.class);
            LineClient person = server.track(LineClient.over(TestTls.connect(trusting, server.lines(), "localhost")));
            person.awaitLine(line -> line.contains("welcome to"));
            RawClient publisher = server.track(RawClient.connect(server.frames()));
            server.awaitSessions(4);

            AtomicLong peakQueues = new AtomicLong();
            AtomicLong peakInbound = new AtomicLong();
            AtomicLong peakDirect = new AtomicLong();
            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
            sampler.scheduleAtFixedRate(() -> {
                peakQueues.accumulateAndGet(server.server().queueBudget().chargedBytes(), Math::max);
                peakInbound.accumulateAndGet(server.server().inboundBudget().chargedBytes(), Math::max);
                peakDirect.accumulateAndGet(PlatformDependent.usedDirectMemory(), Math::max);
            }, 0, 1, TimeUnit.MILLISECONDS);
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService attackers = Executors.newFixedThreadPool(6);
            List<Future<?>> attacks = new ArrayList<>();
            try {
                attacks.add(attackers.submit(() -> storm(stop, server.frames(), FloodIntegrationTest::randomBytes)));
                attacks.add(attackers.submit(() -> storm(stop, server.frames(), FloodIntegrationTest::hugePrefix)));
                attacks.add(attackers.submit(() -> storm(stop, server.lines(), FloodIntegrationTest::plaintext)));
                attacks.add(attackers.submit(() -> storm(stop, server.frames(), socket -> { })));
                attacks.add(attackers.submit(() -> hold(stop, server.frames(), FloodIntegrationTest::cutOffFrame)));
                attacks.add(attackers.submit(() -> hold(stop, server.lines(), FloodIntegrationTest::halfAHandshake)));

                for (int i = 0; i < MESSAGES; i++) {
                    publisher.send("m-" + i);
                }
                // The attackers are raw clients too, whose garbage may parse as frames and be published: the good
                // clients take the publisher's messages, in order, from among whatever else comes.
                int next = 0;
                while (next < MESSAGES) {
                    String text = reader.readText();
                    assertThat(text).as("the reader's connection ends").isNotNull();
                    if (text.matches("m-\\d+")) {
                        assertThat(text).isEqualTo("m-" + next++);
                    }
                }
                next = 0;
                while (next < MESSAGES) {
                    String text = subscriber.read(ControlFrame.Msg.class).payload().toString(StandardCharsets.UTF_8);
                    if (text.matches("m-\\d+")) {
                        assertThat(text).isEqualTo("m-" + next++);
                    }
                }
                person.awaitLine(line -> line.endsWith(": m-" + (MESSAGES - 1)));
                // The connections that hold half a frame or half a handshake are closed at their deadlines.
                await().atMost(TestServer.PATIENCE).until(() ->
                        server.server().sessionStats().closes(CloseReason.FRAME_TIMEOUT) > 0
                        && server.server().sessionStats().closes(CloseReason.TLS_TIMEOUT) > 0);
            } finally {
                stop.set(true);
                for (Future<?> attack : attacks) {
                    attack.get(TestServer.PATIENCE.toSeconds(), TimeUnit.SECONDS);
                }
                attackers.shutdownNow();
                sampler.shutdownNow();
            }
            log.info("under the flood: queues peaked at {} (budget {}), frames in assembly at {} (budget {}), "
                            + "direct memory at {}; {}", ByteSize.format(peakQueues.get()),
                    ByteSize.format(QUEUE_BUDGET), ByteSize.format(peakInbound.get()),
                    ByteSize.format(INBOUND_BUDGET), ByteSize.format(peakDirect.get()),
                    server.server().sessionStats().closes());
            assertThat(peakQueues.get()).isLessThanOrEqualTo(QUEUE_BUDGET + QUEUE_BUDGET / 8);
            assertThat(peakInbound.get()).isLessThanOrEqualTo(INBOUND_BUDGET);
            // The good clients are still there, and the server still greets.
            assertThat(server.server().sessions().all()).hasSizeGreaterThanOrEqualTo(4);
            server.track(LineClient.over(TestTls.connect(trusting, server.lines(), "localhost")))
                    .awaitLine(line -> line.contains("welcome to"));
            assertThat(server.server().sessionStats().closes(CloseReason.FRAME_TOO_LARGE)).isPositive();
            assertThat(server.server().sessionStats().closes(CloseReason.NOT_TLS)).isPositive();
        }
    }

    /** What one attacking connection does, given its connected socket. */
    private interface Attack {
        void on(Socket socket) throws IOException;
    }

    /** Opens connections, attacks through each and drops it, until told to stop or {@link #ATTACKS} of them. */
    private static Void storm(AtomicBoolean stop, InetSocketAddress address, Attack what) {
        for (int i = 0; i < ATTACKS && !stop.get(); i++) {
            close(attackWith(address, what));
        }
        return null;
    }

    /** Opens {@link #HELD} connections, attacks through each and keeps them open until told to stop. */
    private static Void hold(AtomicBoolean stop, InetSocketAddress address, Attack what) {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < HELD && !stop.get(); i++) {
                held.add(attackWith(address, what));
            }
            await().atMost(TestServer.PATIENCE).untilTrue(stop);
        } finally {
            held.forEach(FloodIntegrationTest::close);
        }
        return null;
    }

    private static Socket attackWith(InetSocketAddress address, Attack what) {
        Socket socket = new Socket();
        try {
            socket.connect(address, 10_000);
            what.on(socket);
        } catch (IOException e) {
            // The server may close or reset an attacker at any point: that is its defence working.
        }
        return socket;
    }

    private static void randomBytes(Socket socket) throws IOException {
        Random random = new Random(socket.getLocalPort());
        byte[] bytes = new byte[1 + random.nextInt(4096)];
        random.nextBytes(bytes);
        socket.getOutputStream().write(bytes);
    }

    private static void hugePrefix(Socket socket) throws IOException {
        socket.getOutputStream().write(new byte[] {(byte) 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2, 3});
    }

    /** A frame of 60,000 bytes of which a hundred come: it holds a buffer until its deadline. */
    private static void cutOffFrame(Socket socket) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(new byte[] {0, 0, (byte) 0xea, 0x60});
        out.write(new byte[100]);
    }

    /** The first bytes of a TLS ClientHello, and no more. */
    private static void halfAHandshake(Socket socket) throws IOException {
        socket.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01});
    }

    private static void plaintext(Socket socket) throws IOException {
        socket.getOutputStream().write("hello, anyone?\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Closing an attacker: nothing to do.
        }
    }
}
