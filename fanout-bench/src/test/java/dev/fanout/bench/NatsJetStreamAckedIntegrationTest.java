package dev.fanout.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acked shape against a real nats-server (Debian's is 2.9) with JetStream on ({@code -js}) and its store in a
 * temporary directory, as bench/compare runs it: the bench makes a stream with file storage and counts PubAcks.
 */
class NatsJetStreamAckedIntegrationTest {

    @TempDir
    static Path store;
    private static ExternalServer nats;

    @BeforeAll
    static void startNats() {
        nats = ExternalServer.start("nats-server", port -> List.of("-a", "127.0.0.1", "-p", Integer.toString(port),
                "-js", "-sd", store.toString()));
    }

    @AfterAll
    static void stopNats() {
        if (nats != null) {
            nats.close();
        }
    }

    private static BenchOptions acked(String topic, int publishers, long count, long window) {
        return new BenchOptions(Target.NATS, "127.0.0.1", nats.address().getPort(), Shape.ACKED, publishers, 0, 128,
                count, Duration.ZERO, 0, topic, 2, Duration.ofSeconds(2), 0, window, 0, Duration.ZERO, 0);
    }

    @Test
    void acked_everyPublishIsAcknowledged_byAFileStreamKeepingRetainMessages() throws Exception {
        BenchResult result = new BenchRun(acked("bench.acked", 2, 1_500, 32), null).run();
        assertThat(result.sent()).isEqualTo(3_000);
        assertThat(result.received()).isEqualTo(3_000);
        assertThat(result.clean()).isTrue();
        assertThat(result.latency()[0]).as("p50 in microseconds").isPositive();
        String info = request(nats.address(), "$JS.API.STREAM.INFO.bench_acked");
        assertThat(info).contains("\"subjects\":[\"bench.acked\"]", "\"storage\":\"file\"",
                "\"messages\":" + AckedWire.RETAIN + ",", "\"last_seq\":3000,");

        // A second run takes the stream as it is, and numbering goes on.
        BenchResult again = new BenchRun(acked("bench.acked", 3, 100, 8), null).run();
        assertThat(again.received()).isEqualTo(300);
        assertThat(again.clean()).isTrue();
        assertThat(request(nats.address(), "$JS.API.STREAM.INFO.bench_acked")).contains("\"last_seq\":3300,");
    }

    @Test
    void streamNameTakenWithOtherSubjects_failsTheRun_withTheServersText() throws Exception {
        assertThat(new BenchRun(acked("bench.clash", 1, 10, 4), null).run().clean()).isTrue();
        // "bench_clash" names the same stream as "bench.clash", for another subject.
        assertThatThrownBy(() -> new BenchRun(acked("bench_clash", 1, 10, 4), null).run())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("NATS JetStream refused: ")
                .hasMessageContaining("stream name already in use");
    }

    /** Sends an empty request to {@code subject} and returns the reply's payload. */
    private static String request(InetSocketAddress address, String subject) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(address, 5_000);
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(("CONNECT {\"verbose\":false}\r\nSUB _INBOX.test 1\r\nPUB " + subject
                    + " _INBOX.test 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            for (String line = line(in); ; line = line(in)) {
                if (line.startsWith("MSG ")) {
                    int length = Integer.parseInt(line.substring(line.lastIndexOf(' ') + 1));
                    return new String(in.readNBytes(length), StandardCharsets.UTF_8);
                }
            }
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("the server closed the connection after \"" + line + "\"");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }
}
