package dev.fanout.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.client.ClientOptions;
import dev.fanout.client.FanoutClient;
import dev.fanout.client.Position;
import dev.fanout.client.ReconnectOptions;
import dev.fanout.client.SubscribeOptions;
import dev.fanout.server.testing.RedisProcess;
import dev.fanout.server.testing.TestServer;
import dev.fanout.store.redis.RedisOptions;
import dev.fanout.store.redis.RedisTarget;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
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

/**
 * {@code fanout serve --redis} as real processes on a real Redis: a node killed with SIGKILL while its client-library
 * subscriber reads, and the subscriber, given the other node's address too, resumes there with every message
 * exactly once; a node that cannot reach Redis at start exits with a clear error.
 */
class ClusterProcessTest {

    private static final ReconnectOptions QUICK =
            new ReconnectOptions(0, Duration.ofMillis(20), Duration.ofMillis(200), 2.0, 0.2);

    @TempDir
    Path directory;

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static CliProcess node(String redis, int port) {
        CliProcess serve = CliProcess.start("serve", "--host", "127.0.0.1", "--port", String.valueOf(port),
                "--lines-port", "0", "--http-port", "0", "--no-console", "--redis", redis, "--history", "100000");
        serve.awaitStderr(line -> line.contains("frames listener on 127.0.0.1:" + port));
        return serve;
    }

    @Test
    void aNodeKilledWhileItsSubscriberReads_theSubscriberResumesOnAnotherNode_withEveryMessageOnce()
            throws Exception {
        try (RedisProcess redis = RedisProcess.start(directory)) {
            int portA = freePort();
            int portB = freePort();
            CliProcess a = node(redis.uri(), portA);
            CliProcess b = node(redis.uri(), portB);
            Map<Long, String> acked = new ConcurrentHashMap<>();
            List<String> followed = new CopyOnWriteArrayList<>();
            AtomicBoolean publishing = new AtomicBoolean(true);
            ExecutorService publishers = Executors.newFixedThreadPool(2);
            try (FanoutClient follower = FanoutClient.connect(ClientOptions.builder().address("127.0.0.1", portA)
                    .alsoAddress("127.0.0.1", portB).reconnect(QUICK).build())) {
                follower.subscribe("t", SubscribeOptions.fromSequence(1),
                        message -> followed.add(message.epoch() + ":" + message.sequence() + "=" + message.text()));
                List<Future<?>> running = new ArrayList<>();
                for (int p = 0; p < 2; p++) {
                    String name = "p" + p;
                    running.add(publishers.submit(() -> publish(portB, name, acked, publishing)));
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> followed.size() >= 300);
                a.close();
                a.awaitExit();
                await().atMost(Duration.ofSeconds(60)).until(() -> acked.size() >= 1_500);
                publishing.set(false);
                for (Future<?> future : running) {
                    future.get(60, TimeUnit.SECONDS);
                }
                long highest = acked.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
                await().atMost(Duration.ofSeconds(60)).until(() -> followed.size() >= highest);
                long epoch = Long.parseLong(followed.get(0).substring(0, followed.get(0).indexOf(':')));
                assertThat(followed).hasSize((int) highest);
                for (int i = 0; i < followed.size(); i++) {
                    assertThat(followed.get(i)).as("message %d: in order, each once", i + 1)
                            .startsWith(epoch + ":" + (i + 1) + "=");
                }
                for (Map.Entry<Long, String> ack : acked.entrySet()) {
                    assertThat(followed.get((int) (ack.getKey() - 1))).as("acknowledged message %d", ack.getKey())
                            .isEqualTo(epoch + ":" + ack.getKey() + "=" + ack.getValue());
                }
            } finally {
                publishing.set(false);
                publishers.shutdownNow();
                a.close();
                b.close();
            }
        }
    }

    /** Publishes with acknowledgements to one node while asked to, noting what each ACK numbered. */
    private static void publish(int port, String name, Map<Long, String> acked, AtomicBoolean publishing) {
        try (FanoutClient publisher = FanoutClient.connect("127.0.0.1", port)) {
            for (int i = 1; publishing.get(); i++) {
                String text = name + "-" + i;
                Position at = publisher.publishAcked("t", text.getBytes(StandardCharsets.UTF_8)).join();
                acked.put(at.sequence(), text);
            }
        }
    }

    @Test
    void aSubscriptionMadeWhileRedisIsDown_isMadeAgainByTheClientLibrary_andResumesOnceRedisIsBack()
            throws Exception {
        try (RedisProcess redis = RedisProcess.start(directory);
             TestServer node = TestServer.start(builder -> builder.redis(RedisOptions.of(RedisTarget.parse(
                     redis.uri()))))) {
            try (FanoutClient publisher = FanoutClient.connect("127.0.0.1", node.frames().getPort())) {
                publisher.publishAcked("t", "before".getBytes(StandardCharsets.UTF_8)).join();
            }
            redis.kill();
            List<String> got = new CopyOnWriteArrayList<>();
            try (FanoutClient subscriber = FanoutClient.connect(ClientOptions.builder()
                    .address("127.0.0.1", node.frames().getPort()).reconnect(QUICK).build())) {
                // Answered UNAVAILABLE while Redis is away: the library waits and subscribes again.
                subscriber.subscribe("t", SubscribeOptions.fromSequence(1), message -> got.add(message.text()));
                redis.restart();
                try (FanoutClient publisher = FanoutClient.connect("127.0.0.1", node.frames().getPort())) {
                    await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> publisher
                            .publishAcked("t", "after".getBytes(StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS)
                            != null);
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> got.contains("after"));
                assertThat(got).startsWith("before").endsWith("after").doesNotHaveDuplicates();
            }
        }
    }

    @Test
    void aNodeThatCannotReachRedis_exitsNonZero_sayingWhereItLooked() throws Exception {
        int nobody = freePort();
        CliProcess serve = CliProcess.start("serve", "--host", "127.0.0.1", "--port", "0", "--lines-port", "0",
                "--http-port", "0",
                "--no-console", "--redis", "redis://127.0.0.1:" + nobody, "--redis-timeout", "500ms");
        assertThat(serve.awaitExit()).isEqualTo(1);
        assertThat(String.join("\n", serve.stderr())).contains("cannot reach Redis at redis://127.0.0.1:" + nobody)
                .contains("check --redis");
    }
}
