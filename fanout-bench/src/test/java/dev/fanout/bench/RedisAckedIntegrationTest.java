package dev.fanout.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acked shape against a real redis-server (Debian's is 7.0) with its append-only file on and
 * {@code appendfsync always}, in a temporary directory, as bench/compare runs it: XADD to a stream per publish.
 */
class RedisAckedIntegrationTest {

    @TempDir
    static Path data;
    private static ExternalServer redis;

    @BeforeAll
    static void startRedis() {
        redis = ExternalServer.start("redis-server", port -> List.of("--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes", "--appendfsync", "always",
                "--dir", data.toString()));
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    private static BenchOptions acked(String topic, int publishers, long count, long window) {
        return new BenchOptions(Target.REDIS, "127.0.0.1", redis.address().getPort(), Shape.ACKED, publishers, 0,
                128, count, Duration.ZERO, 0, topic, 2, Duration.ofSeconds(2), 0, window, 0, Duration.ZERO, 0);
    }

    @Test
    void acked_everyXaddIsAcknowledged_andTheStreamIsTrimmedToAboutRetain() throws Exception {
        BenchResult result = new BenchRun(acked("bench.acked", 2, 3_000, 32), null).run();
        assertThat(result.sent()).isEqualTo(6_000);
        assertThat(result.received()).isEqualTo(6_000);
        assertThat(result.clean()).isTrue();
        assertThat(result.latency()[0]).as("p50 in microseconds").isPositive();
        // MAXLEN ~ trims whole nodes of the stream (100 entries by default): at least RETAIN entries stay.
        assertThat(integerReply(redis.address(), "XLEN", "bench.acked"))
                .isBetween((long) AckedWire.RETAIN, 2L * AckedWire.RETAIN);
        assertThat(appendOnlyBytes()).as("bytes in the append-only files").isGreaterThan(6_000L * 128);
    }

    @Test
    void keyThatIsNotAStream_failsTheRun_withTheServersText() throws Exception {
        assertThat(integerReply(redis.address(), "RPUSH", "bench.a-list", "x")).isEqualTo(1);
        assertThatThrownBy(() -> new BenchRun(acked("bench.a-list", 1, 10, 4), null).run())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Redis server error: \"-WRONGTYPE ");
    }

    private static long appendOnlyBytes() throws IOException {
        try (Stream<Path> files = Files.walk(data)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
        }
    }

    /** Sends one command and returns its integer reply. */
    private static long integerReply(InetSocketAddress address, String... command) throws IOException {
        StringBuilder request = new StringBuilder("*" + command.length + "\r\n");
        for (String part : command) {
            request.append('$').append(part.length()).append("\r\n").append(part).append("\r\n");
        }
        try (Socket socket = new Socket()) {
            socket.connect(address, 5_000);
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.US_ASCII));
            String reply = line(socket.getInputStream());
            assertThat(reply).as("reply to %s", String.join(" ", command)).startsWith(":");
            return Long.parseLong(reply.substring(1));
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
