package dev.fanout.client;

import static dev.fanout.client.Clients.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.fanout.protocol.control.ErrorCode;
import dev.fanout.server.testing.TestServer;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The everyday use of the library against a real server: publish, subscribe, acknowledge, iterate. */
class PublishSubscribeTest {

    private final TestServer server = TestServer.start(options -> options.maxFrame(64 * 1024));
    private final Clients clients = new Clients();

    @AfterEach
    void tearDown() {
        clients.close();
        server.close();
    }

    @Test
    void publishAndSubscribe_roundTrip_deliversPayloadTopicAndNumbering() {
        FanoutClient reader = clients.connect(server.frames());
        FanoutClient writer = clients.connect(server.frames());
        List<Message> got = new CopyOnWriteArrayList<>();
        Subscription subscription = reader.subscribe("news.eu", got::add);
        subscription.subscribed().join();

        writer.publish("news.eu", utf8("first"));
        writer.publish("news.eu", ByteBuffer.wrap(utf8("second")));

        await().until(() -> got.size() == 2);
        assertThat(got).extracting(Message::text).containsExactly("first", "second");
        assertThat(got).extracting(Message::topic).containsOnly("news.eu");
        assertThat(got).extracting(Message::sequence).containsExactly(1L, 2L);
        assertThat(subscription.delivered()).isEqualTo(2);
        assertThat(subscription.positions()).containsEntry("news.eu", got.get(1).position());
        assertThat(server.server().hub().find("news.eu").lastSequence()).isEqualTo(2);
    }

    @Test
    void publishAcked_positions_matchWhatSubscribersSee() {
        FanoutClient reader = clients.connect(server.frames());
        FanoutClient writer = clients.connect(server.frames());
        List<Message> got = new CopyOnWriteArrayList<>();
        reader.subscribe("acks", got::add).subscribed().join();

        List<CompletableFuture<Position>> acks = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            acks.add(writer.publishAcked("acks", utf8("m" + i)));
        }
        List<Position> positions = acks.stream().map(CompletableFuture::join).toList();

        await().until(() -> got.size() == 20);
        assertThat(positions).hasSize(20);
        assertThat(got).extracting(Message::position).containsExactlyElementsOf(positions);
        assertThat(positions).extracting(Position::sequence).containsExactly(
                1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L, 20L);
    }

    @Test
    void subscribe_asAStream_iteratesInOrder_andEndsWhenClosed() throws Exception {
        FanoutClient client = clients.connect(server.frames());
        FanoutClient writer = clients.connect(server.frames());
        List<String> got = new ArrayList<>();
        MessageStream stream = client.subscribe("stream");
        stream.subscribed().join();
        for (int i = 0; i < 5; i++) {
            writer.publish("stream", utf8("s" + i));
        }
        for (Message message : stream) {
            got.add(message.text());
            if (got.size() == 5) {
                break;
            }
        }
        stream.close();
        assertThat(stream.iterator().hasNext()).isFalse();
        assertThat(stream.isActive()).isFalse();
        assertThat(got).containsExactly("s0", "s1", "s2", "s3", "s4");
    }

    @Test
    void subscribe_lastK_andFromAPosition_replayHistory_thenGoOnLive() throws Exception {
        FanoutClient writer = clients.connect(server.frames());
        List<Position> positions = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            positions.add(writer.publishAcked("hist", utf8("h" + i)).join());
        }
        FanoutClient reader = clients.connect(server.frames());
        MessageStream last = reader.subscribe("hist", SubscribeOptions.last(3));
        MessageStream from = reader.subscribe("hist", SubscribeOptions.from(positions.get(4)));

        assertThat(texts(last, 3)).containsExactly("h8", "h9", "h10");
        assertThat(texts(from, 6)).containsExactly("h5", "h6", "h7", "h8", "h9", "h10");
        writer.publishAcked("hist", utf8("h11")).join();
        assertThat(texts(last, 1)).containsExactly("h11");
        assertThat(texts(from, 1)).containsExactly("h11");
    }

    @Test
    void subscribe_patterns_matchOneTokenOrTheRest() throws Exception {
        FanoutClient reader = clients.connect(server.frames());
        FanoutClient writer = clients.connect(server.frames());
        MessageStream rest = reader.subscribe("prices.>");
        MessageStream one = reader.subscribe("prices.*");
        rest.subscribed().join();
        one.subscribed().join();

        writer.publishAcked("prices.eur", utf8("1")).join();
        writer.publishAcked("prices.eur.spot", utf8("2")).join();
        writer.publishAcked("other.eur", utf8("3")).join();
        writer.publishAcked("prices.usd", utf8("4")).join();

        assertThat(texts(rest, 3)).containsExactly("1", "2", "4");
        assertThat(texts(one, 2)).containsExactly("1", "4");
        assertThat(rest.poll(java.time.Duration.ofMillis(50))).isNull();
        assertThat(rest.positions()).containsOnlyKeys("prices.eur", "prices.eur.spot", "prices.usd");
    }

    @Test
    void handlerExceptions_areCaughtCountedAndReported_andDeliveryGoesOn() {
        Recorder recorder = new Recorder();
        FanoutClient reader = clients.connect(Clients.options(server.frames()).listener(recorder));
        FanoutClient writer = clients.connect(server.frames());
        List<String> got = new CopyOnWriteArrayList<>();
        Subscription subscription = reader.subscribe("boom", message -> {
            got.add(message.text());
            if (message.sequence() % 2 == 0) {
                throw new IllegalStateException("even " + message.sequence());
            }
        });
        subscription.subscribed().join();
        for (int i = 1; i <= 6; i++) {
            writer.publish("boom", utf8("b" + i));
        }

        await().until(() -> got.size() == 6);
        await().until(() -> recorder.callbackErrors.size() == 3);
        assertThat(got).containsExactly("b1", "b2", "b3", "b4", "b5", "b6");
        assertThat(subscription.callbackErrors()).isEqualTo(3);
        assertThat(reader.callbackErrors()).isEqualTo(3);
        assertThat(recorder.callbackErrors).extracting(Throwable::getMessage)
                .containsExactly("even 2", "even 4", "even 6");
    }

    @Test
    void refusals_areReportedWithTheServersReason() {
        Recorder recorder = new Recorder();
        FanoutClient client = clients.connect(Clients.options(server.frames()).listener(recorder));
        assertThatThrownBy(() -> client.publish("bad topic", utf8("x")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.publishAcked("big", new byte[64 * 1024 + 1]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("larger than the server's limit of 65536 bytes");
        assertThatThrownBy(() -> client.subscribe("a.>.b")).isInstanceOf(IllegalArgumentException.class);
        assertThat(client.isConnected()).isTrue();
        // The listener hears of the connection on the callback executor, maybe after connect returned.
        await().until(() -> !recorder.events.isEmpty());
        assertThat(recorder.events).containsExactly("CONNECTED");
        assertThat(client.connection().maxPayload()).isEqualTo(64 * 1024);
        assertThat(ErrorCode.BAD_TOPIC).isNotNull();
    }

    @Test
    void close_endsStreams_failsPendingWork_andTellsTheListenerOnce() {
        Recorder recorder = new Recorder();
        FanoutClient client = clients.connect(Clients.options(server.frames()).listener(recorder));
        MessageStream stream = client.subscribe("bye");
        stream.subscribed().join();
        client.close();
        client.close();

        assertThat(stream.iterator().hasNext()).isFalse();
        assertThatThrownBy(() -> client.publish("bye", utf8("late"))).isInstanceOf(FanoutException.class)
                .hasMessage("the client is closed");
        await().until(() -> recorder.events.contains("CLOSED"));
        assertThat(recorder.events).containsExactly("CONNECTED", "CLOSED");
        await().until(() -> server.server().sessions().size() == 0);
    }

    @Test
    void connect_toNothing_failsAtOnce_namingTheAddress() throws Exception {
        java.net.InetSocketAddress nowhere;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            nowhere = new java.net.InetSocketAddress("127.0.0.1", socket.getLocalPort());
        }
        java.net.InetSocketAddress address = nowhere;
        assertThatThrownBy(() -> FanoutClient.connect(Clients.options(address).build()))
                .isInstanceOf(FanoutException.class)
                .hasMessageContaining("cannot connect to 127.0.0.1");
    }

    private static List<String> texts(MessageStream stream, int n) throws InterruptedException {
        List<String> out = new ArrayList<>();
        while (out.size() < n) {
            Message message = stream.poll(Patience.WAIT);
            assertThat(message).as("message %d of %d", out.size() + 1, n).isNotNull();
            out.add(message.text());
        }
        return out;
    }
}
