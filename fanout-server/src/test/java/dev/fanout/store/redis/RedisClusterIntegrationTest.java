package dev.fanout.store.redis;

import static dev.fanout.store.redis.ClusterIntegrationTest.from;
import static dev.fanout.store.redis.ClusterIntegrationTest.pub;
import static dev.fanout.store.redis.ClusterIntegrationTest.publish;
import static dev.fanout.store.redis.ClusterIntegrationTest.subscriber;
import static dev.fanout.store.redis.ClusterIntegrationTest.text;
import static dev.fanout.store.redis.ClusterIntegrationTest.uncheck;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fanout.protocol.control.ControlFrame;
import dev.fanout.server.testing.ControlClient;
import dev.fanout.server.testing.RedisClusterProcesses;
import dev.fanout.server.testing.TestServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main cluster cases again on a Redis Cluster of three masters: every key of a topic is in one slot, so each
 * topic's script runs on its slot's master with no CROSSSLOT error, topics spread over the masters, and the live
 * channel reaches nodes connected to any master.
 */
class RedisClusterIntegrationTest {

    @TempDir
    static Path directory;
    private static RedisClusterProcesses redis;
    private final List<TestServer> nodes = new ArrayList<>();

    @BeforeAll
    static void startRedisCluster() {
        redis = RedisClusterProcesses.start(directory);
    }

    @AfterAll
    static void stopRedisCluster() {
        redis.close();
    }

    @AfterEach
    void stopNodes() {
        nodes.forEach(TestServer::close);
    }

    private TestServer node(String target) {
        TestServer node = TestServer.start(builder -> builder.redis(RedisOptions.of(RedisTarget.parse(target))));
        nodes.add(node);
        return node;
    }

    @Test
    void topicsOnEveryMaster_reachTheSubscribersOfEveryNode_inOrder() throws IOException {
        TestServer a = node(redis.uri());
        TestServer b = node(redis.seeds());
        // Enough topics that their slots fall on all three masters.
        List<String> topics = List.of("eur", "usd", "gbp", "jpy", "chf", "cad", "aud", "nzd");
        Set<Integer> masters = new HashSet<>();
        for (String topic : topics) {
            masters.add(redis.ports().indexOf(redis.nodeOwning("fanout:v2:{" + topic + "}:meta").port()));
        }
        assertThat(masters).as("masters holding the topics").hasSize(3);
        for (String topic : topics) {
            try (ControlClient onA = subscriber(a, topic);
                 ControlClient onB = subscriber(b, topic)) {
                List<ControlFrame.Ack> acks = publish(b, topic, topic + "-", 50);
                for (ControlClient reader : List.of(onA, onB)) {
                    List<ControlFrame.Msg> got = reader.readMessages(50);
                    assertThat(got).extracting(ControlFrame.Msg::sequence)
                            .containsExactlyElementsOf(LongStream.rangeClosed(1, 50).boxed().toList());
                    assertThat(got).extracting(ControlFrame.Msg::epoch).containsOnly(acks.get(0).epoch());
                    assertThat(text(got.get(49))).isEqualTo(topic + "-50");
                }
            }
        }
    }

    @Test
    void concurrentPublishersOnTwoNodes_giveOneToN_andAResumeOnTheOtherNodeGetsWhatFollows() throws Exception {
        TestServer a = node(redis.uri());
        TestServer b = node(redis.uri());
        int each = 200;
        long epoch;
        try (ControlClient onA = subscriber(a, "orders")) {
            CompletableFuture<List<ControlFrame.Ack>> fromA = CompletableFuture.supplyAsync(() -> uncheck(
                    () -> publish(a, "orders", "a", each)));
            CompletableFuture<List<ControlFrame.Ack>> fromB = CompletableFuture.supplyAsync(() -> uncheck(
                    () -> publish(b, "orders", "b", each)));
            epoch = fromA.get().get(0).epoch();
            assertThat(fromB.get()).extracting(ControlFrame.Ack::epoch).containsOnly(epoch);
            List<ControlFrame.Msg> seen = onA.readMessages(2 * each);
            assertThat(seen).extracting(ControlFrame.Msg::sequence)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, 2 * each).boxed().toList());
        }
        try (ControlClient onB = ControlClient.connect(b.frames())) {
            onB.send(from(1, "orders", epoch, 2 * each - 9));
            onB.read(ControlFrame.Subscribed.class);
            assertThat(onB.readMessages(10)).extracting(ControlFrame.Msg::sequence)
                    .containsExactlyElementsOf(LongStream.rangeClosed(2 * each - 9, 2 * each).boxed().toList());
        }
    }

    @Test
    void theSamePublishIdOnTwoNodes_landsOnce() throws IOException {
        TestServer a = node(redis.uri());
        TestServer b = node(redis.uri());
        ControlFrame.Ack first;
        try (ControlClient writer = ControlClient.connect(a.frames(), "identity", "p-1")) {
            writer.send(pub(9, "once", "x"));
            first = writer.read(ControlFrame.Ack.class);
        }
        try (ControlClient again = ControlClient.connect(b.frames(), "identity", "p-1")) {
            again.send(pub(9, "once", "x"));
            assertThat(again.read(ControlFrame.Ack.class).sequence()).isEqualTo(first.sequence());
        }
        assertThat(redis.nodeOwning("fanout:v2:{once}:log").command("XLEN", "fanout:v2:{once}:log")).isEqualTo("1");
    }
}
