package dev.fanout.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fanout.hub.Hub;
import dev.fanout.hub.Topic;
import dev.fanout.server.session.CloseReason;
import dev.fanout.server.session.Protocol;
import dev.fanout.server.testing.RawClient;
import dev.fanout.server.testing.TestServer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link FanoutControlWire} against a real fanout server, in process on port 0: whole bench runs through
 * {@link Target#FANOUT_CONTROL}, and single connections that check the bytes, the WELCOME after raw frames and
 * the keepalive. History is on, at the server's defaults.
 */
class FanoutControlWireIntegrationTest {

    private static final FanoutControlWire WIRE = new FanoutControlWire();

    private static EventLoopGroup group;
    private TestServer server = TestServer.start();

    @BeforeAll
    static void startGroup() {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stopGroup() {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private BenchOptions options(Shape shape, int publishers, int subscribers, int size, long count, long rate) {
        return new BenchOptions(Target.FANOUT_CONTROL, "127.0.0.1", server.frames().getPort(), shape, publishers,
                subscribers, size, count, Duration.ZERO, rate, "bench.control", 1, Duration.ofSeconds(2), 0, 0, 0,
                Duration.ZERO, 0);
    }

    @Test
    void fanOut_deliversEveryMessageToEverySubscriber_noneLost() throws Exception {
        BenchResult result = new BenchRun(options(Shape.FAN_OUT, 1, 20, 64, 5_000, 0), null).run();
        assertThat(result.sent()).isEqualTo(5_000);
        assertThat(result.expected()).isEqualTo(100_000);
        assertThat(result.received()).isEqualTo(100_000);
        assertThat(result.lost()).isZero();
        assertThat(result.outOfOrder()).isZero();
        assertThat(result.clean()).isTrue();
        assertThat(result.json()).contains("\"target\":\"fanout-control\"");
        // The server took the 5,000 messages and the probes before them; nobody was closed for misbehaving.
        assertThat(server.server().hub().stats().published()).isGreaterThanOrEqualTo(5_000);
        assertThat(server.server().sessionStats().closes(CloseReason.PROTOCOL_ERROR)).isZero();
        assertThat(server.server().sessionStats().closes(CloseReason.SLOW_CONSUMER)).isZero();
    }

    @Test
    void fanIn_countsEachPublishersSequenceSeparately() throws Exception {
        BenchResult result = new BenchRun(options(Shape.FAN_IN, 5, 1, 16, 2_000, 0), null).run();
        assertThat(result.sent()).isEqualTo(10_000);
        assertThat(result.received()).isEqualTo(10_000);
        assertThat(result.clean()).isTrue();
    }

    @Test
    void chat_everyMemberHearsEveryMember() throws Exception {
        BenchResult result = new BenchRun(options(Shape.CHAT, 4, 4, 32, 1_000, 0), null).run();
        assertThat(result.expected()).isEqualTo(16_000);
        assertThat(result.received()).isEqualTo(16_000);
        assertThat(result.clean()).isTrue();
    }

    @Test
    void fixedRate_sendsTheCountAtThatPace_andMeasuresLatency() throws Exception {
        BenchResult result = new BenchRun(options(Shape.FAN_OUT, 1, 5, 128, 500, 5_000), null).run();
        assertThat(result.received()).isEqualTo(2_500);
        assertThat(result.clean()).isTrue();
        assertThat(result.latency()[2]).as("p99 in microseconds").isPositive();
    }

    @Test
    void topicWithAWildcard_failsBeforeConnecting() {
        BenchOptions wildcard = new BenchOptions(Target.FANOUT_CONTROL, "127.0.0.1", server.frames().getPort(),
                Shape.FAN_OUT, 1, 1, 16, 10, Duration.ZERO, 0, "bench.*", 1, Duration.ofSeconds(1), 0, 0, 0,
                Duration.ZERO, 0);
        assertThatThrownBy(() -> new BenchRun(wildcard, null).run())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a fanout topic: ");
        assertThat(server.server().sessions().size()).isZero();
    }

    @ParameterizedTest
    @ValueSource(ints = {16, 256})
    void publish_thousandPayloads_reachTheSubscriberExactlyAndInOrder(int size) {
        String topic = "bench.in-order." + size;
        List<byte[]> payloads = Payloads.tricky(1000, size);
        try (WireClient subscriber = WireClient.subscriber(group, server.frames(), WIRE);
             WireClient publisher = WireClient.publisher(group, server.frames(), WIRE)) {
            subscriber.subscribe(topic);
            publisher.publish(topic, payloads);
            subscriber.awaitPayloads(payloads.size());
            assertThat(subscriber.recorder().payloads()).containsExactlyElementsOf(Payloads.asRecorded(payloads));
            assertThat(topic(topic).lastSequence()).isEqualTo(1000);
            assertThat(publisher.recorder().failure()).isNull();
            assertThat(publisher.channel().isActive()).isTrue();
            assertThat(server.server().sessions().all()).hasSize(2)
                    .allSatisfy(session -> assertThat(session.protocol()).isEqualTo(Protocol.CONTROL));
        }
    }

    /** The server sends raw frames of the default topic until it reads the HELLO: the client must skip them. */
    @Test
    void rawFramesBeforeWelcome_areSkipped() throws IOException {
        Hub hub = server.server().hub();
        Topic lobby = topic(hub.defaultTopic());
        RawClient raw = server.rawClient();
        // Connected without a HELLO, the subscriber is a raw client of the default topic for now.
        try (WireClient subscriber = WireClient.subscriber(group, server.frames(), withoutHello(WIRE))) {
            Awaitility.await("the subscriber in the default topic").until(() -> lobby.subscriberCount() == 2);
            long handedBefore = hub.stats().handedOver();
            byte[] lookalike = ControlFrames.msg(1, 1, "not a message of the control subscription");
            raw.send(lookalike);
            raw.send(new byte[0]);
            raw.send(ControlFrames.raw(lookalike));
            // Handed over means written to the subscriber's connection, which has not said HELLO yet.
            Awaitility.await("the raw frames handed to the subscriber")
                    .until(() -> hub.stats().handedOver() >= handedBefore + 3);
            subscriber.channel().writeAndFlush(WIRE.hello(subscriber.channel().alloc())).syncUninterruptibly();
            subscriber.subscribe("bench.after-raw");
            List<byte[]> payloads = Payloads.tricky(100, 64);
            try (WireClient publisher = WireClient.publisher(group, server.frames(), WIRE)) {
                publisher.publish("bench.after-raw", payloads);
                subscriber.awaitPayloads(payloads.size());
            }
            assertThat(subscriber.recorder().payloads()).containsExactlyElementsOf(Payloads.asRecorded(payloads));
            assertThat(subscriber.recorder().failure()).isNull();
        }
    }

    /** A regression guard for PING handling: the server closes a silent client that does not answer its PING. */
    @Test
    void serverPings_areAnswered_soTheConnectionsStayUp() {
        server.close();
        server = TestServer.start(o -> o.pingInterval(Duration.ofMillis(100)).pingTimeout(Duration.ofMillis(200)));
        try (WireClient subscriber = WireClient.subscriber(group, server.frames(), WIRE);
             WireClient publisher = WireClient.publisher(group, server.frames(), WIRE)) {
            subscriber.subscribe("bench.ping");
            Awaitility.await("both connections to outlive ten ping intervals")
                    .during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                    .until(() -> subscriber.channel().isActive() && publisher.channel().isActive());
            List<byte[]> payloads = Payloads.tricky(10, 16);
            publisher.publish("bench.ping", payloads);
            subscriber.awaitPayloads(payloads.size());
            assertThat(subscriber.recorder().payloads()).containsExactlyElementsOf(Payloads.asRecorded(payloads));
            assertThat(subscriber.recorder().failure()).isNull();
            assertThat(publisher.recorder().failure()).isNull();
        }
        assertThat(server.server().sessionStats().closes(CloseReason.IDLE)).isZero();
    }

    private Topic topic(String name) {
        Topic topic = server.server().hub().find(name);
        assertThat(topic).as("topic %s", name).isNotNull();
        return topic;
    }

    /** {@code wire}, but connecting sends nothing: the test says HELLO when it chooses. */
    private static Wire withoutHello(Wire wire) {
        return new Wire() {
            @Override
            public ByteBuf hello(ByteBufAllocator alloc) {
                return null;
            }

            @Override
            public ByteBuf subscribe(ByteBufAllocator alloc, String topic) {
                return wire.subscribe(alloc, topic);
            }

            @Override
            public void publish(ByteBuf out, String topic, ByteBuf payload) {
                wire.publish(out, topic, payload);
            }

            @Override
            public int publishSize(String topic, int payloadSize) {
                return wire.publishSize(topic, payloadSize);
            }

            @Override
            public ChannelHandler subscriberHandler(PayloadSink sink) {
                return wire.subscriberHandler(sink);
            }

            @Override
            public ChannelHandler publisherHandler() {
                return wire.publisherHandler();
            }
        };
    }
}
