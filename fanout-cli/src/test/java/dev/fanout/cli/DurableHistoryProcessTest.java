package dev.fanout.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.client.ClientOptions;
import dev.fanout.client.FanoutClient;
import dev.fanout.client.Position;
import dev.fanout.client.ReconnectOptions;
import dev.fanout.client.SubscribeOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code fanout serve --data-dir} as a real process: killed with SIGKILL while clients publish with
 * acknowledgements, started again on the same directory, it holds every acknowledged message at its number, in
 * its epoch; and a directory it cannot use stops it at once with a clear error.
 */
class DurableHistoryProcessTest {

    private static final ReconnectOptions QUICK =
            new ReconnectOptions(0, Duration.ofMillis(20), Duration.ofMillis(200), 2.0, 0.2);

    /** A publisher that does not outlive its server: one reconnect attempt, then it gives up. */
    private static final ReconnectOptions ONE_TRY =
            new ReconnectOptions(1, Duration.ofMillis(10), Duration.ofMillis(10), 1.0, 0);

    @TempDir
    Path data;

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private CliProcess serve(int port, String fsync) {
        CliProcess serve = CliProcess.start("serve", "--host", "127.0.0.1", "--port", String.valueOf(port),
                "--lines-port", "0",
                "--http-port", "0", "--no-console", "--data-dir", data.toString(), "--fsync", fsync);
        serve.awaitStderr(line -> line.contains("frames listener on 127.0.0.1:" + port));
        return serve;
    }

    @ParameterizedTest
    @ValueSource(strings = {"interval", "always"})
    void killedDuringAcknowledgedPublishes_restartedOnTheSameDirectory_losesNothingAcknowledged(String fsync)
            throws Exception {
        int port = freePort();
        CliProcess server = serve(port, fsync);
        Map<Long, String> acked = new ConcurrentHashMap<>();
        List<String> followed = new CopyOnWriteArrayList<>();
        AtomicBoolean publishing = new AtomicBoolean(true);
        ExecutorService publishers = Executors.newFixedThreadPool(2);
        try (FanoutClient follower = FanoutClient.connect(ClientOptions.builder().address("127.0.0.1", port)
                .reconnect(QUICK).build())) {
            follower.subscribe("t", SubscribeOptions.fromSequence(1),
                    message -> followed.add(message.epoch() + ":" + message.sequence() + "=" + message.text()));
            List<Future<?>> running = new ArrayList<>();
            for (int p = 0; p < 2; p++) {
                String name = "p" + p;
                running.add(publishers.submit(() -> publishUntilCut(port, name, acked, publishing)));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> acked.size() >= 500);
            server.close();
            server.awaitExit();
            publishing.set(false);
            for (Future<?> future : running) {
                future.get(60, TimeUnit.SECONDS);
            }

            CliProcess again = serve(port, fsync);
            try (FanoutClient reader = FanoutClient.connect("127.0.0.1", port)) {
                long epoch = Long.parseLong(followed.get(0).substring(0, followed.get(0).indexOf(':')));
                List<String> held = new CopyOnWriteArrayList<>();
                reader.subscribe("t", SubscribeOptions.from(epoch, 1),
                        message -> held.add(message.epoch() + ":" + message.sequence() + "=" + message.text()));
                long highestAcked = acked.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
                await().atMost(Duration.ofSeconds(60)).until(() -> held.size() >= highestAcked);
                for (Map.Entry<Long, String> ack : acked.entrySet()) {
                    assertThat(held.get((int) (ack.getKey() - 1))).as("acknowledged message %d", ack.getKey())
                            .isEqualTo(epoch + ":" + ack.getKey() + "=" + ack.getValue());
                }

                Position next = reader.publishAcked("t", "after".getBytes(StandardCharsets.UTF_8)).join();
                assertThat(next.epoch()).isEqualTo(epoch);
                await().atMost(Duration.ofSeconds(60)).until(() -> held.stream().anyMatch(h -> h.endsWith("=after")));
                List<String> all = List.copyOf(held);
                assertThat(all).last().as("the next publish gets the next number")
                        .isEqualTo(epoch + ":" + next.sequence() + "=after");
                for (int i = 0; i < all.size(); i++) {
                    assertThat(all.get(i)).as("no hole, no repeat").startsWith(epoch + ":" + (i + 1) + "=");
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> followed.size() >= all.size());
                assertThat(followed).as("the follower resumed across the kill: each message once, in order")
                        .containsExactlyElementsOf(all);
            } finally {
                again.close();
            }
        } finally {
            publishing.set(false);
            publishers.shutdownNow();
            server.close();
        }
    }

    /** Publishes with acknowledgements until the server is gone, noting what each ACK numbered. */
    private static void publishUntilCut(int port, String name, Map<Long, String> acked, AtomicBoolean publishing) {
        try (FanoutClient publisher = FanoutClient.connect(ClientOptions.builder().address("127.0.0.1", port)
                .reconnect(ONE_TRY).build())) {
            for (int i = 1; publishing.get(); i++) {
                String text = name + "-" + i;
                try {
                    Position at = publisher.publishAcked("t", text.getBytes(StandardCharsets.UTF_8))
                            .get(10, TimeUnit.SECONDS);
                    acked.put(at.sequence(), text);
                } catch (Exception e) {
                    return;
                }
            }
        }
    }

    @Test
    void aSecondServerOnTheDirectory_exitsNonZero_namingTheFirst() throws Exception {
        CliProcess first = serve(freePort(), "interval");
        try (CliProcess second = CliProcess.start("serve", "--port", "0", "--lines-port", "0",
                "--http-port", "0", "--no-console",
                "--data-dir", data.toString())) {
            assertThat(second.awaitExit()).isEqualTo(1);
            assertThat(String.join("\n", second.stderr())).contains("is in use by another fanout server (pid");
        } finally {
            first.close();
        }
    }

    @Test
    void aDirectoryOfANewerFormat_exitsNonZero() throws Exception {
        Files.writeString(data.resolve("MANIFEST"), "format=99\n");
        try (CliProcess serve = CliProcess.start("serve", "--port", "0", "--lines-port", "0",
                "--http-port", "0", "--no-console",
                "--data-dir", data.toString())) {
            assertThat(serve.awaitExit()).isEqualTo(1);
            assertThat(String.join("\n", serve.stderr())).contains("is in format 99").contains("newer");
        }
    }

    @Test
    void anUnwritableDirectory_exitsNonZero_withAClearError() throws Exception {
        Path locked = Files.createDirectory(data.resolve("locked"));
        chattr("+i", locked);
        try (CliProcess serve = CliProcess.start("serve", "--port", "0", "--lines-port", "0",
                "--http-port", "0", "--no-console",
                "--data-dir", locked.toString())) {
            assertThat(serve.awaitExit()).isEqualTo(1);
            assertThat(String.join("\n", serve.stderr())).contains("fanout serve: data directory " + locked)
                    .contains("--data-dir");
        } finally {
            chattr("-i", locked);
        }
    }

    /** Immutable: even root cannot make files in it, where permissions would not stop root. */
    private static void chattr(String change, Path dir) throws Exception {
        Process process = new ProcessBuilder("chattr", change, dir.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0).as(output).isTrue();
    }
}
