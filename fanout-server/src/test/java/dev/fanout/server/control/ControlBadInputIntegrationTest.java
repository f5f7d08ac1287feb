package dev.fanout.server.control;

import static dev.fanout.server.control.ControlModeIntegrationTest.pub;
import static dev.fanout.server.control.ControlModeIntegrationTest.sub;
import static dev.fanout.server.control.ControlModeIntegrationTest.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.protocol.control.ControlCodec;
import dev.fanout.protocol.control.ControlFrame;
import dev.fanout.protocol.control.ErrorCode;
import dev.fanout.protocol.control.GoodbyeReason;
import dev.fanout.protocol.control.RefKind;
import dev.fanout.protocol.control.ResumeMode;
import dev.fanout.server.session.CloseReason;
import dev.fanout.server.testing.ControlClient;
import dev.fanout.server.testing.RawClient;
import dev.fanout.server.testing.TestServer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input in control mode: each gets an ERROR with its code; where the stream can no longer be trusted, a
 * GOODBYE and a close as well. Nobody else notices: a bystander subscribed to the same topic keeps receiving.
 */
class ControlBadInputIntegrationTest {

    private static final int MAX_FRAME = 1024;

    private final TestServer server = TestServer.start(options -> options.maxFrame(MAX_FRAME));
    private ControlClient bystander;

    @BeforeEach
    void subscribeABystander() throws IOException {
        bystander = server.track(ControlClient.connect(server.frames()));
        bystander.send(sub(1, "t"));
        bystander.read(ControlFrame.Subscribed.class);
    }

    @AfterEach
    void tearDown() throws IOException {
        server.close();
    }

    /** The bystander still gets what is published, and nothing else. */
    private void bystanderUnaffected(String marker) throws IOException {
        try (ControlClient writer = ControlClient.connect(server.frames())) {
            writer.send(pub(1, "t", marker));
            writer.read(ControlFrame.Ack.class);
        }
        assertThat(text(bystander.read(ControlFrame.Msg.class))).isEqualTo(marker);
    }

    /** Reads the ERROR, the GOODBYE and the end of the stream. */
    private static ControlFrame.Error refusedAndClosed(ControlClient client, GoodbyeReason reason)
            throws IOException {
        ControlFrame.Error error = client.read(ControlFrame.Error.class);
        assertThat(client.read(ControlFrame.Goodbye.class).reason()).isEqualTo(reason);
        assertThat(client.read()).as("closed after the GOODBYE").isNull();
        return error;
    }

    /** Still served: a PING is answered. */
    private static void stillServed(ControlClient client) throws IOException {
        client.send(new ControlFrame.Ping(77));
        assertThat(client.readUntil(ControlFrame.Pong.class).token()).isEqualTo(77);
    }

    @Test
    void unknownType_isAnErrorAndAClose() throws IOException {
        try (ControlClient client = ControlClient.connect(server.frames())) {
            client.sendBody(new byte[] {(byte) 0xB7, 1, 2, 3});
            ControlFrame.Error error = refusedAndClosed(client, GoodbyeReason.PROTOCOL_ERROR);
            assertThat(error.code()).isEqualTo(ErrorCode.UNKNOWN_TYPE);
        }
        await().until(() -> server.server().sessionStats().closes(CloseReason.PROTOCOL_ERROR) == 1);
        bystanderUnaffected("after unknown type");
    }

    @Test
    void truncatedField_isMalformed_anErrorAndAClose() throws IOException {
        byte[] whole = body(sub(9, "prices.eur"));
        try (ControlClient client = ControlClient.connect(server.frames())) {
            client.sendBody(Arrays.copyOf(whole, whole.length - 3));
            ControlFrame.Error error = refusedAndClosed(client, GoodbyeReason.PROTOCOL_ERROR);
            assertThat(error.code()).isEqualTo(ErrorCode.MALFORMED);
            assertThat(error.text()).contains("filter");
        }
        bystanderUnaffected("after truncated");
    }

    @Test
    void badTopic_isAnError_andTheConnectionStays() throws IOException {
        byte[] bad = body(pub(5, "ok.topic", "x"));
        // "ok.topic" -> "ok..opic": an empty token, which the rules refuse.
        bad[1 + 8 + 2 + 3] = '.';
        try (ControlClient client = ControlClient.connect(server.frames())) {
            client.sendBody(bad);
            ControlFrame.Error error = client.read(ControlFrame.Error.class);
            assertThat(error.code()).isEqualTo(ErrorCode.BAD_TOPIC);
            assertThat(error.refKind()).as("the PUB refused is named: its publisher awaits its ACK")
                    .isEqualTo(RefKind.PUBLISH_ID);
            assertThat(error.ref()).isEqualTo(5);
            stillServed(client);
            String tooLong = "a".repeat(256);
            client.sendBody(bodyWithTopic(tooLong));
            assertThat(client.read(ControlFrame.Error.class).code()).isEqualTo(ErrorCode.BAD_TOPIC);
            stillServed(client);
        }
        bystanderUnaffected("after bad topic");
    }

    @Test
    void secondHello_andAServerOnlyFrame_areErrors_andTheConnectionStays() throws IOException {
        try (ControlClient client = ControlClient.connect(server.frames())) {
            client.send(new ControlFrame.Hello(ControlCodec.VERSION, List.of()));
            assertThat(client.read(ControlFrame.Error.class).code()).isEqualTo(ErrorCode.DUPLICATE_HELLO);
            client.send(new ControlFrame.Ack(1, 1, 1));
            assertThat(client.read(ControlFrame.Error.class).code()).isEqualTo(ErrorCode.UNEXPECTED_TYPE);
            stillServed(client);
        }
    }

    @Test
    void pubOverMaxFrame_isRefusedWithItsPublishId_andTheConnectionStays() throws IOException {
        try (ControlClient client = ControlClient.connect(server.frames())) {
            client.send(new ControlFrame.Pub(12, "t", Unpooled.wrappedBuffer(new byte[MAX_FRAME + 1])));
            ControlFrame.Error error = client.read(ControlFrame.Error.class);
            assertThat(error.code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE);
            assertThat(error.refKind()).isEqualTo(RefKind.PUBLISH_ID);
            assertThat(error.ref()).isEqualTo(12);
            client.send(new ControlFrame.Pub(13, "t", Unpooled.wrappedBuffer(new byte[MAX_FRAME])));
            assertThat(client.read(ControlFrame.Ack.class).publishId()).as("a full-size payload is fine").isEqualTo(13);
        }
        assertThat(bystander.read(ControlFrame.Msg.class).payload().readableBytes()).isEqualTo(MAX_FRAME);
    }

    @Test
    void frameBeyondTheLimitAndItsHeaders_isAnErrorAndAClose() throws IOException {
        try (ControlClient client = ControlClient.connect(server.frames())) {
            DataOutputStream out = new DataOutputStream(client.raw().socket().getOutputStream());
            out.writeInt(Integer.MAX_VALUE);
            out.flush();
            ControlFrame.Error error = refusedAndClosed(client, GoodbyeReason.FRAME_TOO_LARGE);
            assertThat(error.code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
        }
        bystanderUnaffected("after huge length");
    }

    @Test
    void helloWithAnUnknownVersion_namesTheVersionsSpoken_andCloses() throws IOException {
        try (RawClient raw = RawClient.connect(server.frames())) {
            byte[] hello = body(new ControlFrame.Hello(ControlCodec.VERSION, List.of()));
            hello[9] = 7;
            raw.send(hello);
            ControlFrame first = ControlCodec.decode(Unpooled.wrappedBuffer(raw.read()));
            assertThat(first).isInstanceOf(ControlFrame.Error.class);
            ControlFrame.Error error = (ControlFrame.Error) first;
            assertThat(error.code()).isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
            assertThat(error.text()).contains("version 7").contains("speaks version 1");
            ControlFrame goodbye = ControlCodec.decode(Unpooled.wrappedBuffer(raw.read()));
            assertThat(goodbye).isInstanceOf(ControlFrame.Goodbye.class);
            assertThat(raw.read()).isNull();
        }
    }

    @Test
    void subBeforeHello_isTold_helloRequired_andClosed() throws IOException {
        try (RawClient raw = RawClient.connect(server.frames())) {
            raw.send(body(new ControlFrame.Sub(1, false, ResumeMode.NEW, 0, 0, "t", List.of())));
            ControlFrame.Error error = (ControlFrame.Error) ControlCodec.decode(Unpooled.wrappedBuffer(raw.read()));
            assertThat(error.code()).isEqualTo(ErrorCode.HELLO_REQUIRED);
            assertThat(raw.read()).isNull();
        }
        assertThat(server.server().hub().find(server.server().options().defaultTopic()).lastSequence())
                .as("not published as a raw frame").isZero();
        bystanderUnaffected("after sub before hello");
    }

    private static byte[] body(ControlFrame frame) {
        ByteBuf wire = ControlCodec.encode(ByteBufAllocator.DEFAULT, frame);
        try {
            byte[] body = new byte[wire.readableBytes() - 4];
            wire.getBytes(4, body);
            return body;
        } finally {
            frame.release();
            wire.release();
        }
    }

    /** A PUB body whose topic is {@code topic}, which the codec would refuse to make. */
    private static byte[] bodyWithTopic(String topic) {
        byte[] name = topic.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ByteBuf out = Unpooled.buffer();
        out.writeByte(0xA0).writeLong(1).writeShort(name.length).writeBytes(name).writeByte('x');
        byte[] body = new byte[out.readableBytes()];
        out.readBytes(body);
        return body;
    }
}
