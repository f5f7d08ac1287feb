package dev.fanout.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link RedisWire} against a real redis-server (Debian's is 7.0), started for this class on a free port,
 * without persistence; a system Redis on 6379, if any, is not used.
 */
class RedisWireIntegrationTest {

    private static final RedisWire WIRE = new RedisWire();

    private static EventLoopGroup group;
    private static ExternalServer redis;

    @BeforeAll
    static void startRedis() {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        redis = ExternalServer.start("redis-server", port -> List.of("--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"));
    }

    @AfterAll
    static void stopRedis() {
        try {
            if (redis != null) {
                redis.close();
            }
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {16, 256})
    void publish_thousandPayloads_reachTheSubscriberExactlyAndInOrder(int size) {
        String topic = "bench.in-order." + size;
        List<byte[]> payloads = Payloads.tricky(1000, size);
        try (WireClient subscriber = WireClient.subscriber(group, redis.address(), WIRE);
             WireClient publisher = WireClient.publisher(group, redis.address(), WIRE)) {
            subscriber.subscribe(topic);
            publisher.publish(topic, payloads);
            subscriber.awaitPayloads(payloads.size());
            assertThat(subscriber.recorder().payloads()).containsExactlyElementsOf(Payloads.asRecorded(payloads));
            // The publisher consumed 1000 ":1" replies without complaint.
            assertThat(publisher.recorder().failure()).isNull();
            assertThat(publisher.channel().isActive()).isTrue();
        }
    }

    @Test
    void publish_toTwoSubscribers_reachesBoth() {
        String topic = "bench.two";
        List<byte[]> payloads = Payloads.tricky(100, 64);
        try (WireClient first = WireClient.subscriber(group, redis.address(), WIRE);
             WireClient second = WireClient.subscriber(group, redis.address(), WIRE);
             WireClient publisher = WireClient.publisher(group, redis.address(), WIRE)) {
            first.subscribe(topic);
            second.subscribe(topic);
            publisher.publish(topic, payloads);
            first.awaitPayloads(payloads.size());
            second.awaitPayloads(payloads.size());
            assertThat(first.recorder().payloads()).containsExactlyElementsOf(Payloads.asRecorded(payloads));
            assertThat(second.recorder().payloads()).containsExactlyElementsOf(Payloads.asRecorded(payloads));
        }
    }

    @Test
    void unknownCommand_failsTheConnectionWithTheServersText() {
        try (WireClient publisher = WireClient.publisher(group, redis.address(), WIRE)) {
            publisher.writeRaw("*1\r\n$7\r\nNOTACMD\r\n");
            assertThat(publisher.awaitFailure())
                    .isInstanceOf(ServerErrorException.class)
                    .hasMessageStartingWith("Redis server error: \"-ERR unknown command 'NOTACMD'");
        }
    }
}
