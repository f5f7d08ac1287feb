package dev.fanout.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link NatsWire} against a real nats-server (Debian's is 2.9), started for this class on a free port. */
class NatsWireIntegrationTest {

    private static final NatsWire WIRE = new NatsWire();

    private static EventLoopGroup group;
    private static ExternalServer nats;

    @BeforeAll
    static void startNats() {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        nats = start();
    }

    @AfterAll
    static void stopNats() {
        try {
            if (nats != null) {
                nats.close();
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
        try (WireClient subscriber = WireClient.subscriber(group, nats.address(), WIRE);
             WireClient publisher = WireClient.publisher(group, nats.address(), WIRE)) {
            subscriber.subscribe(topic);
            publisher.publish(topic, payloads);
            subscriber.awaitPayloads(payloads.size());
            // The server answers a connection's PING after sending it everything before: nothing more is coming.
            subscriber.writeRaw("PING\r\n");
            subscriber.awaitSubscribed(2);
            assertThat(subscriber.recorder().payloads()).containsExactlyElementsOf(Payloads.asRecorded(payloads));
            assertThat(publisher.recorder().failure()).isNull();
            assertThat(publisher.channel().isActive()).isTrue();
        }
    }

    @Test
    void echoOff_aConnectionDoesNotReceiveWhatItPublishes() {
        String topic = "bench.echo";
        List<byte[]> payloads = Payloads.tricky(100, 16);
        try (WireClient self = WireClient.subscriber(group, nats.address(), WIRE);
             WireClient other = WireClient.subscriber(group, nats.address(), WIRE)) {
            self.subscribe(topic);
            other.subscribe(topic);
            self.publish(topic, payloads);
            other.awaitPayloads(payloads.size());
            self.writeRaw("PING\r\n");
            self.awaitSubscribed(2);
            assertThat(self.recorder().payloads()).isEmpty();
            assertThat(other.recorder().payloads()).containsExactlyElementsOf(Payloads.asRecorded(payloads));
        }
    }

    @Test
    void publish_overTheServersMaxPayload_failsThePublisherWithTheServersText() {
        try (WireClient publisher = WireClient.publisher(group, nats.address(), WIRE)) {
            // The server refuses on the PUB line alone; the default max_payload is 1 MiB.
            publisher.writeRaw("PUB bench.too-big " + (1024 * 1024 + 1) + "\r\n");
            assertThat(publisher.awaitFailure())
                    .isInstanceOf(ServerErrorException.class)
                    .hasMessage("NATS server error: \"-ERR 'Maximum Payload Violation'\"");
        }
    }

    /** A regression guard for PING handling: a server that pings often closes a client that never answers. */
    @Test
    void serverPings_areAnswered_soTheConnectionStaysUp(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("ping.conf");
        // Unanswered, the server gives up after 2 pings 100 ms apart ("-ERR 'Stale Connection'").
        Files.writeString(config, "ping_interval: \"100ms\"\nping_max: 2\n", StandardCharsets.US_ASCII);
        try (ExternalServer pinging = ExternalServer.start("nats-server",
                port -> List.of("-a", "127.0.0.1", "-p", Integer.toString(port), "-c", config.toString()));
             WireClient subscriber = WireClient.subscriber(group, pinging.address(), WIRE);
             WireClient publisher = WireClient.publisher(group, pinging.address(), WIRE)) {
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
    }

    private static ExternalServer start() {
        return ExternalServer.start("nats-server", port -> List.of("-a", "127.0.0.1", "-p", Integer.toString(port)));
    }
}
