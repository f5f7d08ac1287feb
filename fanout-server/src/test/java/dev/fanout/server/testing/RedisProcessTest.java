package dev.fanout.server.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The Redis fixtures themselves: tests that crash Redis can only be trusted if the crash is real. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisProcessTest {

    @TempDir
    Path dir;

    @Test
    void start_answersPingAndStoresKeys() {
        try (RedisProcess redis = RedisProcess.start(dir)) {
            assertThat(redis.command("PING")).isEqualTo("PONG");
            assertThat(redis.command("SET", "greeting", "hello")).isEqualTo("OK");
            assertThat(redis.command("GET", "greeting")).isEqualTo("hello");
            assertThat(redis.command("GET", "missing")).isNull();
            assertThat(redis.command("DBSIZE")).isEqualTo("1");
            assertThat(redis.command("CONFIG", "GET", "appendfsync")).isEqualTo("appendfsync\nalways");
            assertThat(redis.uri()).isEqualTo("redis://127.0.0.1:" + redis.port());
        }
    }

    @Test
    void errorReply_failsWithRedisText() {
        try (RedisProcess redis = RedisProcess.start(dir)) {
            assertThatThrownBy(() -> redis.command("NO-SUCH-COMMAND"))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("unknown command");
        }
    }

    @Test
    void killAndRestart_keepsAcknowledgedWritesOnTheSamePort() {
        try (RedisProcess redis = RedisProcess.start(dir)) {
            int port = redis.port();
            redis.command("SET", "greeting", "hello");

            redis.kill();
            assertThat(redis.isAlive()).isFalse();
            assertThatThrownBy(() -> redis.command("PING")).isInstanceOf(UncheckedIOException.class);

            redis.restart();
            assertThat(redis.port()).isEqualTo(port);
            assertThat(redis.command("GET", "greeting")).isEqualTo("hello");
        }
    }

    @Test
    void restartEmpty_comesBackWithoutData() {
        try (RedisProcess redis = RedisProcess.start(dir)) {
            redis.command("SET", "greeting", "hello");
            assertThat(dir.resolve("appendonlydir")).isDirectory();

            redis.restartEmpty();

            assertThat(redis.command("GET", "greeting")).isNull();
            assertThat(redis.command("DBSIZE")).isEqualTo("0");
            assertThat(redis.command("CONFIG", "GET", "appendonly")).isEqualTo("appendonly\nno");
            assertThat(dir.resolve("appendonlydir")).doesNotExist();
        }
    }

    @Test
    void clientKillPubsub_killsSubscribersOnly() throws Exception {
        try (RedisProcess redis = RedisProcess.start(dir)) {
            assertThat(redis.clientKillPubsub()).isZero();

            try (Socket subscriber = new Socket(InetAddress.getLoopbackAddress(), redis.port())) {
                subscriber.setSoTimeout((int) TestServer.PATIENCE.toMillis());
                OutputStream out = subscriber.getOutputStream();
                out.write("*2\r\n$9\r\nSUBSCRIBE\r\n$4\r\nnews\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = subscriber.getInputStream();
                // Redis confirms only once the subscription exists.
                assertThat(in.read()).isEqualTo('*');

                assertThat(redis.clientKillPubsub()).isEqualTo(1);
                assertThat(in.readAllBytes()).asString(StandardCharsets.US_ASCII).contains("news");
            }
            assertThat(redis.clientKillPubsub()).isZero();
        }
    }

    @Test
    void start_portTakenByAnotherProcess_triesAnotherPort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Integer> offered = new ArrayList<>(List.of(taken.getLocalPort(), RedisProcess.freePort()));
            RedisProcess.Options options = RedisProcess.Options.defaults();
            try (RedisProcess redis = RedisProcess.start(dir, options, () -> offered.remove(0))) {
                assertThat(offered).isEmpty();
                assertThat(redis.port()).isNotEqualTo(taken.getLocalPort());
                assertThat(redis.command("PING")).isEqualTo("PONG");
            }
        }
    }

    @Test
    void cluster_ofThreeMasters_isOkAndServesKeysOnTheOwningNode() {
        try (RedisClusterProcesses cluster = RedisClusterProcesses.start(dir)) {
            List<Integer> ports = cluster.ports();
            assertThat(ports).hasSize(3).doesNotHaveDuplicates().allMatch(port -> port < 55_000);
            assertThat(cluster.uri()).isEqualTo("redis-cluster://127.0.0.1:" + ports.get(0) + ",127.0.0.1:"
                    + ports.get(1) + ",127.0.0.1:" + ports.get(2));
            assertThat(cluster.seeds()).isEqualTo("redis://127.0.0.1:" + ports.get(0) + ",redis://127.0.0.1:"
                    + ports.get(1) + ",redis://127.0.0.1:" + ports.get(2));
            for (int i = 0; i < 3; i++) {
                assertThat(cluster.node(i).command("CLUSTER", "INFO")).contains("cluster_state:ok");
                assertThat(Files.exists(dir.resolve("node-" + (i + 1)).resolve("nodes.conf"))).isTrue();
            }

            RedisProcess owner = cluster.nodeOwning("greeting");
            assertThat(owner.command("SET", "greeting", "hello")).isEqualTo("OK");
            assertThat(owner.command("GET", "greeting")).isEqualTo("hello");
            RedisProcess other = cluster.node((ports.indexOf(owner.port()) + 1) % 3);
            assertThatThrownBy(() -> other.command("GET", "greeting")).hasMessageContaining("MOVED");
        }
    }
}
