package dev.fanout.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fanout.hub.HubStats;
import dev.fanout.server.session.CloseReason;
import dev.fanout.server.testing.RedisProcess;
import dev.fanout.server.testing.TestServer;
import dev.fanout.store.redis.RedisOptions;
import dev.fanout.store.redis.RedisTarget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bench spread over the nodes of a real cluster: two fanout servers in process on one real redis-server
 * ({@code fanout serve --redis}), subscribers on both or on one, publishers on one. Every subscriber on every
 * node must get every message, in order, and each node must have handed them over itself.
 */
class ClusterBenchIntegrationTest {

    private static final String TOPIC = "bench.cluster";

    @TempDir
    Path directory;
    private RedisProcess redis;
    private final List<TestServer> nodes = new ArrayList<>();

    @BeforeEach
    void startRedis() {
        // Without the AOF: these runs test delivery across nodes, not Redis's durability.
        redis = RedisProcess.start(directory, RedisProcess.Options.defaults().withAppendOnly(false));
    }

    @AfterEach
    void stopAll() {
        nodes.forEach(TestServer::close);
        redis.close();
    }

    private TestServer node() {
        TestServer node = TestServer.start(builder -> builder.redis(RedisOptions.of(RedisTarget.parse(redis.uri()))));
        nodes.add(node);
        return node;
    }

    private static Address address(TestServer node) {
        return new Address("127.0.0.1", node.frames().getPort());
    }

    private static BenchOptions options(Shape shape, int publishers, int subscribers, long count, long rate,
                                        Placement placement) {
        Address first = placement.subscribeTo().get(0);
        return new BenchOptions(Target.FANOUT_CONTROL, first.host(), first.port(), shape, publishers, subscribers, 64,
                count, Duration.ZERO, rate, TOPIC, 2, Duration.ofSeconds(5), 0, 0, 0, Duration.ZERO, 0)
                .withPlacement(placement);
    }

    @Test
    void fanOut_subscribersOnBothNodes_publisherOnOne_everySubscriberGetsEveryMessage() throws Exception {
        TestServer a = node();
        TestServer b = node();
        Placement placement = new Placement(List.of(address(a), address(b)), List.of(address(a)));
        long handedOnB = b.server().hub().stats().handedOver();
        BenchResult result = new BenchRun(options(Shape.FAN_OUT, 1, 6, 3_000, 0, placement), null).run();

        assertThat(result.sent()).isEqualTo(3_000);
        assertThat(result.received()).isEqualTo(18_000);
        assertThat(result.clean()).as(result.table()).isTrue();
        assertThat(result.nodes()).hasSize(2);
        assertThat(result.nodes()).extracting(NodeDeliveries::address).containsExactly(address(a), address(b));
        for (NodeDeliveries node : result.nodes()) {
            assertThat(node.subscribers()).isEqualTo(3);
            assertThat(node.expected()).isEqualTo(9_000);
            assertThat(node.received()).as("delivered on %s", node.address()).isEqualTo(9_000);
            assertThat(node.lost()).isZero();
            assertThat(node.outOfOrder()).isZero();
        }
        // Node B took no publish: what its three subscribers got came to it through Redis.
        assertThat(b.server().hub().stats().handedOver() - handedOnB).isGreaterThanOrEqualTo(9_000);
        assertThat(result.table()).contains("subscribers on " + address(a) + ", " + address(b) + "; publishers on "
                + address(a)).contains("on " + address(b));
        assertThat(result.json()).contains("\"subscribeTo\":[\"" + address(a) + "\",\"" + address(b) + "\"]")
                .contains("\"publishTo\":[\"" + address(a) + "\"]");
        assertNobodyCutOff(a, b);
    }

    @Test
    void fanOut_allSubscribersOnOneNode_publisherOnTheOther_measuresLatencyAcrossNodes() throws Exception {
        TestServer a = node();
        TestServer b = node();
        Placement placement = new Placement(List.of(address(b)), List.of(address(a)));
        HubStats onA = a.server().hub().stats();
        long handedOnA = onA.handedOver();
        BenchResult result = new BenchRun(options(Shape.FAN_OUT, 1, 4, 1_000, 5_000, placement), null).run();

        assertThat(result.clean()).as(result.table()).isTrue();
        assertThat(result.received()).isEqualTo(4_000);
        assertThat(result.nodes()).singleElement().satisfies(node -> {
            assertThat(node.address()).isEqualTo(address(b));
            assertThat(node.received()).isEqualTo(4_000);
        });
        assertThat(result.timed()).isEqualTo(4_000);
        assertThat(result.latency()[0]).as("p50 in microseconds").isPositive();
        // A has no subscriber of the topic: it handed nothing over; it only passed the publishes to Redis.
        assertThat(onA.handedOver() - handedOnA).isZero();
        assertThat(a.server().hub().find(TOPIC)).isNull();
        assertNobodyCutOff(a, b);
    }

    @Test
    void fanIn_publishersSpreadOverBothNodes_theSubscriberHearsEachInOrder() throws Exception {
        TestServer a = node();
        TestServer b = node();
        Placement placement = new Placement(List.of(address(a)), List.of(address(a), address(b)));
        BenchOptions options = options(Shape.FAN_IN, 4, 1, 1_000, 0, placement);
        // Both nodes run in this JVM: its process id twice stands for a node's and another's.
        long self = ProcessHandle.current().pid();
        BenchResult result = new BenchRun(new BenchOptions(options.target(), options.host(), options.port(),
                options.shape(), options.publishers(), options.subscribers(), options.size(), options.count(),
                options.duration(), options.rate(), options.topic(), options.threads(), options.idleTimeout(),
                List.of(self, self), options.window(), options.stuck(), options.warmup(), options.receiveBuffer(),
                placement), null).run();

        assertThat(result.sent()).isEqualTo(4_000);
        assertThat(result.received()).isEqualTo(4_000);
        assertThat(result.clean()).as(result.table()).isTrue();
        assertThat(result.json()).contains("\"publishTo\":[\"" + address(a) + "\",\"" + address(b) + "\"]");
        assertThat(result.serverCpuPercents()).hasSize(2).allSatisfy(percent -> assertThat(percent).isNotNegative());
        assertThat(result.serverCpuPercent()).isEqualTo(result.serverCpuPercents().get(0)
                + result.serverCpuPercents().get(1));
        assertThat(result.table()).contains(" by --server-pid)");
        assertNobodyCutOff(a, b);
    }

    private static void assertNobodyCutOff(TestServer... servers) {
        for (TestServer server : servers) {
            assertThat(server.server().sessionStats().closes(CloseReason.SLOW_CONSUMER)).isZero();
            assertThat(server.server().sessionStats().closes(CloseReason.PROTOCOL_ERROR)).isZero();
        }
    }
}
