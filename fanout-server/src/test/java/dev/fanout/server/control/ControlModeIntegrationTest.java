package dev.fanout.server.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.protocol.control.ControlCodec;
import dev.fanout.protocol.control.ControlFrame;
import dev.fanout.protocol.control.ErrorCode;
import dev.fanout.protocol.control.RefKind;
import dev.fanout.protocol.control.ResumeMode;
import dev.fanout.server.session.Protocol;
import dev.fanout.server.testing.ControlClient;
import dev.fanout.server.testing.RawClient;
import dev.fanout.server.testing.TestServer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Control mode's everyday exchange: HELLO, SUB, PUB with and without acknowledgement, patterns. */
class ControlModeIntegrationTest {

    private final TestServer server = TestServer.start(options -> options.serverName("test-hub"));

    @AfterEach
    void tearDown() {
        server.close();
    }

    static ControlFrame.Sub sub(int id, String filter) {
        return new ControlFrame.Sub(id, false, ResumeMode.NEW, 0, 0, filter, List.of());
    }

    static ControlFrame.Pub pub(long id, String topic, String text) {
        return new ControlFrame.Pub(id, topic, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    static String text(ControlFrame.Msg msg) {
        return msg.payload().toString(StandardCharsets.UTF_8);
    }

    @Test
    void aPubInTheSamePacketAsHello_isCheckedAgainstControlModesFrameLimit_notTheRawOne() throws Exception {
        // A PUB carrying a payload of exactly --max-frame is a frame a little larger than --max-frame, which
        // control mode allows for its header; sent at once after HELLO, it must not be judged as a raw frame.
        try (TestServer small = TestServer.start(options -> options.maxFrame(1024));
             RawClient raw = RawClient.connect(small.frames())) {
            ByteBuf hello = ControlCodec.encode(ByteBufAllocator.DEFAULT,
                    new ControlFrame.Hello(ControlCodec.VERSION, List.of()));
            ControlFrame.Pub pub = new ControlFrame.Pub(1, "t", Unpooled.wrappedBuffer(new byte[1024]));
            ByteBuf publish = ControlCodec.encode(ByteBufAllocator.DEFAULT, pub);
            byte[] both = new byte[hello.readableBytes() + publish.readableBytes()];
            hello.readBytes(both, 0, hello.readableBytes());
            publish.readBytes(both, both.length - publish.readableBytes(), publish.readableBytes());
            hello.release();
            publish.release();
            raw.socket().getOutputStream().write(both);
            raw.socket().getOutputStream().flush();
            List<ControlFrame> answers = new ArrayList<>();
            while (answers.stream().noneMatch(f -> f instanceof ControlFrame.Ack || f instanceof ControlFrame.Error
                    || f instanceof ControlFrame.Goodbye)) {
                byte[] body = raw.read();
                assertThat(body).as("the server closed the connection").isNotNull();
                if (ControlCodec.isWelcome(Unpooled.wrappedBuffer(body)) || !answers.isEmpty()) {
                    answers.add(ControlCodec.decode(Unpooled.wrappedBuffer(body)));
                }
            }
            assertThat(answers.get(answers.size() - 1)).isInstanceOf(ControlFrame.Ack.class);
        }
    }

    @Test
    void hello_isAnsweredWithWelcome_andTheSessionIsInControlMode() throws Exception {
        try (ControlClient client = ControlClient.connect(server.frames(), "name", "alice")) {
            ControlFrame.Welcome welcome = client.welcome();
            assertThat(welcome.version()).isEqualTo(ControlCodec.VERSION);
            assertThat(welcome.serverName()).isEqualTo("test-hub");
            assertThat(welcome.maxPayload()).isEqualTo(server.server().options().limits().maxFrame());
            assertThat(welcome.queueBytes()).isEqualTo(server.server().options().limits().queue().maxBytes());
            assertThat(server.server().sessions().find(welcome.clientId()).protocol()).isEqualTo(Protocol.CONTROL);
            assertThat(server.server().sessions().find(welcome.clientId()).name()).isEqualTo("alice");
        }
    }

    @Test
    void pub_withAPublishId_isAcknowledgedWithThePositionSubscribersSee() throws Exception {
        try (ControlClient reader = ControlClient.connect(server.frames());
             ControlClient writer = ControlClient.connect(server.frames())) {
            reader.send(sub(7, "news.eu"));
            ControlFrame.Subscribed subscribed = reader.read(ControlFrame.Subscribed.class);
            assertThat(subscribed.subscriptionId()).isEqualTo(7);
            assertThat(subscribed.lastSequence()).isZero();

            writer.send(pub(1, "news.eu", "first"));
            writer.send(pub(2, "news.eu", "second"));
            ControlFrame.Ack first = writer.read(ControlFrame.Ack.class);
            ControlFrame.Ack second = writer.read(ControlFrame.Ack.class);

            List<ControlFrame.Msg> got = reader.readMessages(2);
            assertThat(got).extracting(ControlFrame.Msg::subscriptionId).containsOnly(7);
            assertThat(got).extracting(ControlFrame.Msg::topic).containsOnly("news.eu");
            assertThat(got).extracting(ControlModeIntegrationTest::text).containsExactly("first", "second");
            assertThat(got).extracting(ControlFrame.Msg::sequence).containsExactly(1L, 2L);
            assertThat(first.publishId()).isEqualTo(1);
            assertThat(first.sequence()).isEqualTo(1);
            assertThat(second.sequence()).isEqualTo(2);
            assertThat(got).extracting(ControlFrame.Msg::epoch).containsOnly(first.epoch(), subscribed.epoch());
        }
    }

    @Test
    void pub_repeatedPublishIdFromTheSameIdentity_isPublishedOnce_andAcknowledgedWithTheFirstPosition()
            throws Exception {
        try (ControlClient reader = ControlClient.connect(server.frames())) {
            reader.send(sub(1, "orders"));
            reader.read(ControlFrame.Subscribed.class);
            ControlFrame.Ack original;
            try (ControlClient writer = ControlClient.connect(server.frames(), "identity", "pub-1")) {
                writer.send(pub(41, "orders", "buy"));
                original = writer.read(ControlFrame.Ack.class);
            }
            // The publisher lost its connection and re-sends what it had not seen acknowledged.
            try (ControlClient again = ControlClient.connect(server.frames(), "identity", "pub-1")) {
                again.send(pub(41, "orders", "buy"));
                again.send(pub(42, "orders", "sell"));
                assertThat(again.read(ControlFrame.Ack.class)).isEqualTo(original);
                assertThat(again.read(ControlFrame.Ack.class).sequence()).isEqualTo(original.sequence() + 1);
            }
            assertThat(reader.readMessages(2)).extracting(ControlModeIntegrationTest::text)
                    .containsExactly("buy", "sell");
        }
        assertThat(server.server().hub().find("orders").lastSequence()).isEqualTo(2);
    }

    @Test
    void pub_withoutAPublishId_isNotAcknowledged_butDelivered() throws Exception {
        try (ControlClient reader = ControlClient.connect(server.frames());
             ControlClient writer = ControlClient.connect(server.frames())) {
            reader.send(sub(1, "t"));
            reader.read(ControlFrame.Subscribed.class);
            writer.send(pub(0, "t", "a"));
            writer.send(pub(0, "t", "b"));
            writer.send(new ControlFrame.Ping(99));
            // The PONG is the next frame: no ACK came before it.
            assertThat(writer.read(ControlFrame.Pong.class).token()).isEqualTo(99);
            assertThat(reader.readMessages(2)).extracting(ControlModeIntegrationTest::text).containsExactly("a", "b");
        }
    }

    @Test
    void sub_echo_isTheClientsChoice() throws Exception {
        try (ControlClient client = ControlClient.connect(server.frames())) {
            client.send(sub(1, "mine"));
            client.read(ControlFrame.Subscribed.class);
            client.send(new ControlFrame.Sub(2, true, ResumeMode.NEW, 0, 0, "mine", List.of()));
            client.read(ControlFrame.Subscribed.class);
            client.send(pub(5, "mine", "hello me"));
            client.read(ControlFrame.Ack.class);
            ControlFrame.Msg echoed = client.read(ControlFrame.Msg.class);
            assertThat(echoed.subscriptionId()).as("only the echoing subscription").isEqualTo(2);
            client.send(new ControlFrame.Ping(1));
            client.read(ControlFrame.Pong.class);
        }
    }

    @Test
    void patterns_oneLevelAndTheRest_matchAsNatsUsersExpect() throws Exception {
        try (ControlClient reader = ControlClient.connect(server.frames());
             ControlClient writer = ControlClient.connect(server.frames())) {
            reader.send(sub(1, "prices.*"));
            reader.read(ControlFrame.Subscribed.class);
            reader.send(sub(2, "prices.>"));
            reader.read(ControlFrame.Subscribed.class);
            for (String topic : List.of("prices.eur", "prices.eur.spot", "prices", "other.eur")) {
                writer.send(pub(0, topic, topic));
            }
            writer.send(new ControlFrame.Ping(1));
            writer.read(ControlFrame.Pong.class);

            List<ControlFrame.Msg> got = reader.readMessages(3);
            assertThat(got).extracting(m -> m.subscriptionId() + ":" + text(m))
                    .containsExactlyInAnyOrder("1:prices.eur", "2:prices.eur", "2:prices.eur.spot");
            reader.send(new ControlFrame.Ping(2));
            assertThat(reader.read(ControlFrame.Pong.class).token()).as("nothing else arrived").isEqualTo(2);
        }
    }

    @Test
    void unsub_stopsDelivery_andAnUnknownIdGetsAnError() throws Exception {
        try (ControlClient client = ControlClient.connect(server.frames());
             ControlClient writer = ControlClient.connect(server.frames())) {
            client.send(sub(3, "t"));
            client.read(ControlFrame.Subscribed.class);
            client.send(new ControlFrame.Unsub(3));
            client.send(new ControlFrame.Unsub(3));
            ControlFrame.Error error = client.read(ControlFrame.Error.class);
            assertThat(error.code()).isEqualTo(ErrorCode.UNKNOWN_SUBSCRIPTION);
            assertThat(error.refKind()).isEqualTo(RefKind.SUBSCRIPTION_ID);
            assertThat(error.ref()).isEqualTo(3);
            writer.send(pub(1, "t", "nobody"));
            writer.read(ControlFrame.Ack.class);
            client.send(new ControlFrame.Ping(1));
            assertThat(client.read(ControlFrame.Pong.class).token()).isEqualTo(1);
        }
    }

    @Test
    void rawClients_onTheSamePort_areUnaffected() throws Exception {
        RawClient raw = server.rawClient();
        try (ControlClient control = ControlClient.connect(server.frames())) {
            control.send(pub(1, server.server().options().defaultTopic(), "to the raw reader"));
            control.read(ControlFrame.Ack.class);
            assertThat(raw.readText()).isEqualTo("to the raw reader");
            raw.send("from the raw writer");
            await().until(() -> server.server().hub().find(server.server().options().defaultTopic())
                    .lastSequence() == 2);
            control.send(sub(1, server.server().options().defaultTopic()));
            control.read(ControlFrame.Subscribed.class);
            raw.send("seen by both");
            assertThat(text(control.read(ControlFrame.Msg.class))).isEqualTo("seen by both");
        }
        await().until(() -> server.server().sessions().size() == 1);
    }
}
