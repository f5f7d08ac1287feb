package dev.fanout.source;

import static dev.fanout.source.SourceTesting.QUICK;
import static dev.fanout.source.SourceTesting.readers;
import static dev.fanout.source.SourceTesting.startSource;
import static dev.fanout.source.SourceTesting.writeFrame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.fanout.server.FanoutServer;
import dev.fanout.server.session.CloseReason;
import dev.fanout.server.source.Source;
import dev.fanout.server.source.SourceState;
import dev.fanout.server.testing.LogCapture;
import dev.fanout.server.testing.RawClient;
import dev.fanout.server.testing.StuckReader;
import dev.fanout.server.testing.TestServer;
import java.io.DataOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TcpSourceTest {


    @Test
    void frames_fromATutorialUpstream_reachManyClientsInOrder() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        int messages = 500;
        try (UpstreamServer upstream = UpstreamServer.start(connection -> {
                go.await();
                DataOutputStream out = new DataOutputStream(connection.getOutputStream());
                for (int i = 1; i <= messages; i++) {
                    writeFrame(out, "tick " + i);
                }
                connection.getInputStream().read();
            });
             TestServer server = TestServer.start()) {
            Source source = startSource(server, upstream.tcp() + "?format=frames", QUICK);
            await().until(() -> source.status().state() == SourceState.CONNECTED);
            List<RawClient> readers = readers(server, 10);

            go.countDown();

            for (RawClient reader : readers) {
                for (int i = 1; i <= messages; i++) {
                    assertThat(reader.readText()).isEqualTo("tick " + i);
                }
            }
            assertThat(source.status().messages()).isEqualTo(messages);
            assertThat(upstream.accepted()).isEqualTo(1);
        }
    }

    @Test
    void lines_fromALinesUpstream_eachLineIsAMessageOfItsTopic() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        try (UpstreamServer upstream = UpstreamServer.start(connection -> {
                go.await();
                OutputStream out = connection.getOutputStream();
                out.write("first\nsecond\r\n\nfourth\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                connection.getInputStream().read();
            });
             TestServer server = TestServer.start()) {
            Source source = startSource(server, "news=" + upstream.tcp() + "?format=lines", QUICK);
            assertThat(source.feeds()).isEqualTo("news");
            var chat = server.lineClient("reader");
            chat.send("/join news");
            chat.awaitLine(line -> line.contains("you are now in news"));

            go.countDown();

            chat.awaitLine(line -> line.endsWith("first"));
            chat.awaitLine(line -> line.endsWith("second"));
            chat.awaitLine(line -> line.endsWith("fourth"));
            await().until(() -> source.status().messages() == 4);
        }
    }

    @Test
    void upstreamRestarted_sourceReconnectsWithBackoff_oneConnectionAtATime() throws Exception {
        AtomicInteger served = new AtomicInteger();
        try (UpstreamServer upstream = UpstreamServer.start(connection -> {
                DataOutputStream out = new DataOutputStream(connection.getOutputStream());
                writeFrame(out, "hello from connection " + served.incrementAndGet());
                connection.getInputStream().read();
            });
             TestServer server = TestServer.start();
             LogCapture logs = LogCapture.of(SupervisedSource.class)) {
            RawClient reader = readers(server, 1).get(0);
            Source source = startSource(server, upstream.tcp() + "?format=frames", QUICK);
            assertThat(reader.readText()).isEqualTo("hello from connection 1");

            upstream.stop();
            await().until(() -> source.status().state() == SourceState.RETRYING);
            // While it is down, the source keeps trying, with waits between attempts.
            await().until(() -> logs.messages(Level.WARN).stream().filter(m -> m.contains("could not connect"))
                    .count() >= 3);
            upstream.restart();

            assertThat(reader.readText()).isEqualTo("hello from connection 2");
            // The source's status is set on its own thread, which may not have got there when the message arrives.
            await().until(() -> source.status().state() == SourceState.CONNECTED);
            assertThat(source.status().connects()).isEqualTo(2);
            assertThat(upstream.mostOpen()).isEqualTo(1);
            assertThat(upstream.accepted()).isEqualTo(2);
            assertThat(logs.messages(Level.WARN)).anyMatch(m -> m.contains("lost: the upstream closed the connection; "
                    + "retrying in"));
            await().until(() -> logs.messages(Level.INFO).stream().filter(m -> m.contains("connected to 127.0.0.1:"))
                    .count() == 2);
            // The waits grew while the upstream was down: from 20 ms towards the 200 ms cap, give or take 20 %.
            List<Long> waits = logs.messages(Level.WARN).stream().filter(m -> m.contains("retrying in"))
                    .map(m -> Long.parseLong(m.replaceAll(".*retrying in (\\d+) ms$", "$1"))).toList();
            assertThat(waits.get(0)).isLessThanOrEqualTo(24);
            assertThat(waits.get(2)).isGreaterThanOrEqualTo(64);
            assertThat(waits).allMatch(wait -> wait <= 200);
        }
    }

    @Test
    void garbage_aFrameOverTheLimit_dropsTheConnectionAndReconnects_clientsUnaffected() throws Exception {
        AtomicInteger served = new AtomicInteger();
        try (UpstreamServer upstream = UpstreamServer.start(connection -> {
                DataOutputStream out = new DataOutputStream(connection.getOutputStream());
                int n = served.incrementAndGet();
                writeFrame(out, "good " + n);
                if (n == 1) {
                    out.writeInt(2_000_000);
                    out.write(new byte[64]);
                    out.flush();
                }
                connection.getInputStream().read();
            });
             TestServer server = TestServer.start(options -> options.maxFrame(1024 * 1024));
             LogCapture logs = LogCapture.of(SupervisedSource.class)) {
            List<RawClient> readers = readers(server, 3);
            startSource(server, upstream.tcp() + "?format=frames", QUICK);

            for (RawClient reader : readers) {
                assertThat(reader.readText()).isEqualTo("good 1");
                assertThat(reader.readText()).isEqualTo("good 2");
            }
            assertThat(logs.messages(Level.WARN)).anyMatch(m -> m.contains("lost: frame length 2000000 exceeds the "
                    + "maximum of 1048576 bytes"));
            assertThat(server.server().sessions().all()).hasSize(3);
        }
    }

    @Test
    void garbage_aLineOverTheLimit_dropsTheConnectionAndReconnects() throws Exception {
        AtomicInteger served = new AtomicInteger();
        try (UpstreamServer upstream = UpstreamServer.start(connection -> {
                OutputStream out = connection.getOutputStream();
                int n = served.incrementAndGet();
                out.write(("good " + n + "\n").getBytes(StandardCharsets.UTF_8));
                if (n == 1) {
                    out.write(new byte[5000]);
                }
                out.flush();
                connection.getInputStream().read();
            });
             TestServer server = TestServer.start(options -> options.maxFrame(4096));
             LogCapture logs = LogCapture.of(SupervisedSource.class)) {
            RawClient reader = readers(server, 1).get(0);
            startSource(server, upstream.tcp(), QUICK);

            assertThat(reader.readText()).isEqualTo("good 1");
            assertThat(reader.readText()).isEqualTo("good 2");
            assertThat(logs.messages(Level.WARN)).anyMatch(m -> m.contains("lost: ") && m.contains("4096"));
        }
    }

    @Test
    void idleTimeout_aSilentUpstreamIsDroppedAndReconnected() throws Exception {
        AtomicInteger served = new AtomicInteger();
        try (UpstreamServer upstream = UpstreamServer.start(connection -> {
                DataOutputStream out = new DataOutputStream(connection.getOutputStream());
                writeFrame(out, "once from " + served.incrementAndGet());
                connection.getInputStream().read();
            });
             TestServer server = TestServer.start();
             LogCapture logs = LogCapture.of(SupervisedSource.class)) {
            RawClient reader = readers(server, 1).get(0);
            startSource(server, upstream.tcp() + "?format=frames", QUICK.withIdleTimeout(Duration.ofMillis(300)));

            assertThat(reader.readText()).isEqualTo("once from 1");
            assertThat(reader.readText()).isEqualTo("once from 2");
            assertThat(logs.messages(Level.WARN)).anyMatch(m -> m.contains("lost: silent for")
                    && m.contains("--source-idle-timeout"));
            assertThat(upstream.mostOpen()).isEqualTo(1);
        }
    }

    @Test
    void upstreamFasterThanAStuckConsumer_theStuckOneIsCut_theSourceKeepsReading() throws Exception {
        int messages = 20_000;
        CountDownLatch go = new CountDownLatch(1);
        try (UpstreamServer upstream = UpstreamServer.start(connection -> {
                go.await();
                DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(
                        connection.getOutputStream()));
                byte[] body = new byte[200];
                for (int i = 1; i <= messages; i++) {
                    out.writeInt(body.length + 8);
                    out.writeLong(i);
                    out.write(body);
                }
                out.flush();
                connection.getInputStream().read();
            });
             TestServer server = TestServer.start(options -> options.queueBytes(256 * 1024).maxFrame(64 * 1024))) {
            server.track(StuckReader.connect(server.frames()));
            RawClient reader = server.rawClient();
            FanoutServer fanout = server.server();
            await().until(() -> fanout.hub().find(fanout.hub().defaultTopic()).subscriberCount() == 2);
            Source source = startSource(server, upstream.tcp() + "?format=frames", QUICK);
            await().until(() -> source.status().state() == SourceState.CONNECTED);

            go.countDown();

            for (int i = 1; i <= messages; i++) {
                byte[] payload = reader.read();
                assertThat(java.nio.ByteBuffer.wrap(payload).getLong()).isEqualTo(i);
            }
            await().until(() -> server.server().sessionStats().closes().getOrDefault(CloseReason.SLOW_CONSUMER, 0L)
                    == 1);
            assertThat(source.status().messages()).isEqualTo(messages);
        }
    }

    @Test
    void stop_closesTheUpstreamConnection_withoutWaitingForIt() throws Exception {
        try (UpstreamServer upstream = UpstreamServer.start(connection -> connection.getInputStream().read());
             TestServer server = TestServer.start()) {
            Source source = startSource(server, upstream.tcp(), QUICK);
            await().until(() -> upstream.open() == 1);

            source.stop().get(5, TimeUnit.SECONDS);

            assertThat(source.status().state()).isEqualTo(SourceState.STOPPED);
            await().until(() -> upstream.open() == 0);
        }
    }

    @Test
    void aHostThatCannotBeFound_isRetried_withTheReasonLogged() {
        try (TestServer server = TestServer.start();
             LogCapture logs = LogCapture.of(SupervisedSource.class)) {
            Source source = startSource(server, "tcp://no-such-host.invalid:9000", QUICK);

            await().until(() -> logs.messages(Level.WARN).stream().anyMatch(m -> m.contains(
                    "could not connect: cannot find the host no-such-host.invalid")));
            assertThat(source.status().state()).isIn(SourceState.RETRYING, SourceState.CONNECTING);
        }
    }
}
