package dev.fanout.bench;

import static dev.fanout.bench.Buffers.bytes;
import static dev.fanout.bench.Buffers.latin1;
import static dev.fanout.bench.Buffers.outbound;
import static dev.fanout.bench.Buffers.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NatsWireTest {

    private static final NatsWire WIRE = new NatsWire();
    /** Small limits, so that lines and payloads at and past them are cheap to build. */
    private static final NatsWire SMALL = new NatsWire(64, 1024);

    /** Every kind of line the server sends, with payloads holding CR LF, a protocol line, binary and nothing. */
    private static final String STREAM = "INFO {\"server_id\":\"N1\",\"version\":\"2.9.10\",\"proto\":1} \r\n"
            + "+OK\r\n"
            + "MSG bench 1 5\r\nhello\r\n"
            + "PING\r\n"
            + "MSG bench 1 _INBOX.reply 8\r\nMSG \r\n\r\n\r\n"
            + "MSG bench 1 0\r\n\r\n"
            + "msg\tbench  1\t3\r\n\u0000\u00ff\r\r\n"
            + "PONG\r\n";
    private static final List<String> STREAM_PAYLOADS = List.of("hello", "MSG \r\n\r\n", "", "\u0000\u00ff\r");

    @Test
    void hello_isConnectWithoutEchoOrAcknowledgements() {
        assertThat(text(WIRE.hello(ByteBufAllocator.DEFAULT)))
                .isEqualTo("CONNECT {\"verbose\":false,\"pedantic\":false,\"echo\":false}\r\n");
    }

    @Test
    void subscribe_isSubThenPing() {
        assertThat(text(WIRE.subscribe(ByteBufAllocator.DEFAULT, "bench.fan")))
                .isEqualTo("SUB bench.fan 1\r\nPING\r\n");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 9, 10, 99, 100, 1000, 65536})
    void publish_isPubLineThenPayload_ofExactlyPublishSize(int size) {
        byte[] payload = new byte[size];
        for (int i = 0; i < size; i++) {
            payload[i] = (byte) (i % 7 == 0 ? '\r' : i % 7 == 1 ? '\n' : i);
        }
        for (String topic : List.of("t", "bench.fan", "bench.\u00fc")) {
            ByteBuf out = ByteBufAllocator.DEFAULT.buffer();
            WIRE.publish(out, topic, Unpooled.wrappedBuffer(payload));
            assertThat(out.readableBytes()).as("%s, %d bytes", topic, size).isEqualTo(WIRE.publishSize(topic, size));
            byte[] line = ("PUB " + topic + " " + size + "\r\n").getBytes(StandardCharsets.UTF_8);
            assertThat(bytes(out)).isEqualTo(concat(line, payload, "\r\n".getBytes(StandardCharsets.US_ASCII)));
        }
    }

    @Test
    void publish_readsThePayloadWithoutConsumingIt() {
        ByteBuf payload = Unpooled.copiedBuffer("xyz", StandardCharsets.US_ASCII);
        payload.readByte();
        ByteBuf out = ByteBufAllocator.DEFAULT.buffer();
        WIRE.publish(out, "t", payload);
        assertThat(text(out)).isEqualTo("PUB t 2\r\nyz\r\n");
        assertThat(payload.readableBytes()).isEqualTo(2);
        payload.release();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "two words", "tab\there", "line\r\nbreak"})
    void subjectWithWhitespaceOrEmpty_isRefused(String topic) {
        assertThatThrownBy(() -> WIRE.subscribe(ByteBufAllocator.DEFAULT, topic))
                .isInstanceOf(IllegalArgumentException.class);
        ByteBuf out = ByteBufAllocator.DEFAULT.buffer();
        try {
            assertThatThrownBy(() -> WIRE.publish(out, topic, Unpooled.EMPTY_BUFFER))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(out.readableBytes()).isZero();
        } finally {
            out.release();
        }
    }

    @Test
    void decode_wholeStream_deliversPayloadsAnswersPingAndReportsPong() {
        Recorder recorder = new Recorder();
        EmbeddedChannel channel = new EmbeddedChannel(WIRE.subscriberHandler(recorder), recorder);
        channel.writeInbound(latin1(STREAM));
        assertThat(recorder.payloads()).containsExactlyElementsOf(STREAM_PAYLOADS);
        assertThat(outbound(channel)).containsExactly("PONG\r\n");
        assertThat(recorder.subscribed()).isEqualTo(1);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void decode_streamSplitAtEveryByte_deliversTheSame() {
        byte[] wire = STREAM.getBytes(StandardCharsets.ISO_8859_1);
        for (int cut = 1; cut < wire.length; cut++) {
            Recorder recorder = new Recorder();
            EmbeddedChannel channel = new EmbeddedChannel(WIRE.subscriberHandler(recorder), recorder);
            channel.writeInbound(Unpooled.wrappedBuffer(wire, 0, cut));
            channel.writeInbound(Unpooled.wrappedBuffer(wire, cut, wire.length - cut));
            assertThat(recorder.payloads()).as("cut at %d", cut).containsExactlyElementsOf(STREAM_PAYLOADS);
            assertThat(outbound(channel)).as("cut at %d", cut).containsExactly("PONG\r\n");
            assertThat(recorder.subscribed()).as("cut at %d", cut).isEqualTo(1);
            assertThat(channel.finish()).isFalse();
        }
    }

    @Test
    void decode_streamOneByteAtATime_deliversTheSame() {
        Recorder recorder = new Recorder();
        EmbeddedChannel channel = new EmbeddedChannel(WIRE.subscriberHandler(recorder), recorder);
        for (byte b : STREAM.getBytes(StandardCharsets.ISO_8859_1)) {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        assertThat(recorder.payloads()).containsExactlyElementsOf(STREAM_PAYLOADS);
        assertThat(outbound(channel)).containsExactly("PONG\r\n");
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void decode_manyMessagesInOneBuffer_deliversEachInOrder() {
        StringBuilder stream = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            String payload = "m" + i + "\r\n";
            expected.add(payload);
            stream.append("MSG bench 1 ").append(payload.length()).append("\r\n").append(payload).append("\r\n");
        }
        Recorder recorder = new Recorder();
        EmbeddedChannel channel = new EmbeddedChannel(WIRE.subscriberHandler(recorder), recorder);
        channel.writeInbound(latin1(stream.toString()));
        assertThat(recorder.payloads()).containsExactlyElementsOf(expected);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void decode_lowerCaseOperations_areUnderstood() {
        Recorder recorder = new Recorder();
        EmbeddedChannel channel = new EmbeddedChannel(WIRE.subscriberHandler(recorder), recorder);
        channel.writeInbound(latin1("info {}\r\n+ok\r\nping\r\npong\r\nmsg a 1 2\r\nhi\r\n"));
        assertThat(recorder.payloads()).containsExactly("hi");
        assertThat(outbound(channel)).containsExactly("PONG\r\n");
        assertThat(recorder.subscribed()).isEqualTo(1);
        channel.finish();
    }

    @Test
    void publisherHandler_discardsMessagesAndAnswersPing() {
        EmbeddedChannel channel = new EmbeddedChannel(WIRE.publisherHandler());
        channel.writeInbound(latin1(STREAM));
        assertThat(channel.inboundMessages()).isEmpty();
        assertThat(outbound(channel)).containsExactly("PONG\r\n");
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void decode_serverError_failsWithTheServersText() {
        EmbeddedChannel channel = new EmbeddedChannel(WIRE.publisherHandler());
        assertThatThrownBy(() -> channel.writeInbound(latin1("-ERR 'Maximum Payload Violation'\r\n")))
                .isInstanceOf(ServerErrorException.class)
                .hasMessage("NATS server error: \"-ERR 'Maximum Payload Violation'\"");
        channel.finishAndReleaseAll();
    }

    @Test
    void decode_sinkThatThrows_failsTheConnectionAndDeliversNothingMore() {
        List<String> seen = new ArrayList<>();
        PayloadSink throwing = (buf, index, length) -> {
            seen.add(buf.toString(index, length, StandardCharsets.ISO_8859_1));
            throw new IllegalStateException("sink broke");
        };
        EmbeddedChannel channel = new EmbeddedChannel(WIRE.subscriberHandler(throwing));
        assertThatThrownBy(() -> channel.writeInbound(latin1("MSG a 1 2\r\nhi\r\n")))
                .hasRootCauseInstanceOf(IllegalStateException.class);
        channel.writeInbound(latin1("MSG a 1 2\r\nhi\r\n"));
        assertThat(seen).containsExactly("hi");
        channel.finishAndReleaseAll();
    }

    @Test
    void decode_afterAFailure_discardsTheRest() {
        Recorder recorder = new Recorder();
        EmbeddedChannel channel = new EmbeddedChannel(WIRE.subscriberHandler(recorder), recorder);
        assertThatThrownBy(() -> channel.writeInbound(latin1("HTTP/1.1 400 Bad Request\r\nMSG a 1 2\r\nhi\r\n")))
                .isInstanceOf(CorruptedFrameException.class);
        channel.writeInbound(latin1("MSG a 1 2\r\nhi\r\nPING\r\n"));
        assertThat(recorder.payloads()).isEmpty();
        assertThat(outbound(channel)).isEmpty();
        channel.finishAndReleaseAll();
    }

    @Test
    void decode_controlLineAtTheLimit_isAccepted() {
        String line = "INFO " + "x".repeat(64 - 5);
        EmbeddedChannel channel = new EmbeddedChannel(SMALL.publisherHandler());
        channel.writeInbound(latin1(line + "\r\nPING\r\n"));
        assertThat(outbound(channel)).containsExactly("PONG\r\n");
        channel.finish();
    }

    @Test
    void decode_controlLineOverTheLimit_fails() {
        EmbeddedChannel channel = new EmbeddedChannel(SMALL.publisherHandler());
        assertThatThrownBy(() -> channel.writeInbound(latin1("INFO " + "x".repeat(64 - 4) + "\r\n")))
                .isInstanceOf(TooLongFrameException.class)
                .hasMessageStartingWith("NATS control line longer than 64 bytes");
        channel.finishAndReleaseAll();
    }

    @Test
    void decode_unterminatedLine_failsOnceItCannotFit() {
        EmbeddedChannel channel = new EmbeddedChannel(SMALL.publisherHandler());
        // 64 bytes and a CR may still be a line at the limit: wait for more.
        channel.writeInbound(latin1("INFO " + "x".repeat(64 - 5) + "\r"));
        assertThatThrownBy(() -> channel.writeInbound(latin1("x")))
                .isInstanceOf(TooLongFrameException.class);
        channel.finishAndReleaseAll();
    }

    @Test
    void decode_payloadAtTheLimit_isDelivered() {
        Recorder recorder = new Recorder();
        EmbeddedChannel channel = new EmbeddedChannel(SMALL.subscriberHandler(recorder), recorder);
        channel.writeInbound(latin1("MSG a 1 1024\r\n" + "p".repeat(1024) + "\r\n"));
        assertThat(recorder.payloads()).containsExactly("p".repeat(1024));
        channel.finish();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1025", "4294967296", "99999999999999999999999999"})
    void decode_payloadOverTheLimit_failsOnTheMsgLineAlone(String length) {
        EmbeddedChannel channel = new EmbeddedChannel(SMALL.publisherHandler());
        assertThatThrownBy(() -> channel.writeInbound(latin1("MSG a 1 " + length + "\r\n")))
                .isInstanceOf(TooLongFrameException.class)
                .hasMessageContaining("exceeds the maximum of 1024");
        channel.finishAndReleaseAll();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "GET / HTTP/1.1\r\n",
        "MSG a 1 x\r\nx\r\n",
        "MSG a 1 -1\r\n",
        "MSG a 5\r\nhello\r\n",
        "MSG a 1 b c 5\r\nhello\r\n",
        "MSG\r\n",
        "MSG a 1 5\r\nhelloXX",
        "MSG a 1 5\r\nhello\n\n",
        "PING\n",
        "\r\n",
        "HMSG a 1 0 0\r\n\r\n",
    })
    void decode_garbage_failsAsCorrupted(String garbage) {
        EmbeddedChannel channel = new EmbeddedChannel(WIRE.publisherHandler());
        assertThatThrownBy(() -> channel.writeInbound(latin1(garbage)))
                .isInstanceOf(CorruptedFrameException.class);
        channel.finishAndReleaseAll();
    }

    @Test
    void decode_binaryGarbage_failsAsCorrupted() {
        byte[] garbage = new byte[256];
        for (int i = 0; i < garbage.length; i++) {
            garbage[i] = (byte) (255 - i);
        }
        EmbeddedChannel channel = new EmbeddedChannel(WIRE.publisherHandler());
        assertThatThrownBy(() -> channel.writeInbound(Unpooled.wrappedBuffer(garbage)))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessageContaining("\\xf5");
        channel.finishAndReleaseAll();
    }

    @Test
    void prepare_subscribesTheInbox_andAsksForAFileStreamOfTheTopic_keepingRetainMessages() {
        String json = "{\"name\":\"bench_acked-1\",\"subjects\":[\"bench.acked-1\"],\"storage\":\"file\","
                + "\"retention\":\"limits\",\"discard\":\"old\",\"max_msgs\":1000,\"num_replicas\":1}";
        assertThat(text(WIRE.prepare(ByteBufAllocator.DEFAULT, "bench.acked-1", "_INBOX.x.0")))
                .isEqualTo("SUB _INBOX.x.0 1\r\nPUB $JS.API.STREAM.CREATE.bench_acked-1 _INBOX.x.0 " + json.length()
                        + "\r\n" + json + "\r\n");
        assertThat(WIRE.prepareReplies()).isEqualTo(1);
    }

    @Test
    void prepare_quotesTheSubjectAsJson_andNamesTheStreamWithSafeCharactersOnly() {
        assertThat(NatsWire.streamName("a.b*c>d\"e\\f\u00fc_G-9")).isEqualTo("a_b_c_d_e_f__G-9");
        assertThat(text(WIRE.prepare(ByteBufAllocator.DEFAULT, "a\"b\\c", "_INBOX.y")))
                .contains("\"subjects\":[\"a\\\"b\\\\c\"]");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 128, 65536})
    void publishAcked_isPubWithTheInboxForTheReply_ofExactlyItsSize(int size) {
        byte[] payload = new byte[size];
        for (int i = 0; i < size; i++) {
            payload[i] = (byte) (i % 7 == 0 ? '\r' : i % 7 == 1 ? '\n' : i);
        }
        ByteBuf out = ByteBufAllocator.DEFAULT.buffer();
        WIRE.publishAcked(out, "bench.acked", "_INBOX.x.3", 42, Unpooled.wrappedBuffer(payload));
        assertThat(out.readableBytes()).isEqualTo(WIRE.publishAckedSize("bench.acked", "_INBOX.x.3", size));
        byte[] line = ("PUB bench.acked _INBOX.x.3 " + size + "\r\n").getBytes(StandardCharsets.US_ASCII);
        assertThat(bytes(out)).isEqualTo(concat(line, payload, "\r\n".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void ackHandler_countsEachReplyOnTheInbox_inAStreamSplitAtEveryByte_andAnswersPing() {
        byte[] wire = ("INFO {\"server_id\":\"N1\"} \r\n"
                + reply("{\"type\":\"io.nats.jetstream.api.v1.stream_create_response\",\"config\":{}}")
                + reply("{\"stream\":\"bench\",\"seq\":1}")
                + "PING\r\n"
                + reply("{\"stream\":\"bench\",\"seq\":2}")
                + reply("{\"stream\":\"error\",\"seq\":3}")).getBytes(StandardCharsets.ISO_8859_1);
        for (int cut = 1; cut < wire.length; cut++) {
            List<Long> acks = new ArrayList<>();
            EmbeddedChannel channel = new EmbeddedChannel(WIRE.ackHandler(acks::add));
            channel.writeInbound(Unpooled.wrappedBuffer(wire, 0, cut));
            channel.writeInbound(Unpooled.wrappedBuffer(wire, cut, wire.length - cut));
            assertThat(acks).as("cut at %d", cut).hasSize(4).containsOnly(AckSink.IN_ORDER);
            assertThat(outbound(channel)).as("cut at %d", cut).containsExactly("PONG\r\n");
            assertThat(channel.finish()).isFalse();
        }
    }

    @Test
    void ackHandler_replyWithAnError_failsWithTheServersText_andIsNotCounted() {
        List<Long> acks = new ArrayList<>();
        EmbeddedChannel channel = new EmbeddedChannel(WIRE.ackHandler(acks::add));
        String refusal = "{\"type\":\"io.nats.jetstream.api.v1.stream_create_response\",\"error\":{\"code\":400,"
                + "\"err_code\":10058,\"description\":\"stream name already in use with a different configuration\"}}";
        assertThatThrownBy(() -> channel.writeInbound(latin1(reply("{\"stream\":\"bench\",\"seq\":1}")
                + reply(refusal))))
                .isInstanceOf(ServerErrorException.class)
                .hasMessage("NATS JetStream refused: " + refusal);
        assertThat(acks).hasSize(1);
        channel.finishAndReleaseAll();
    }

    /** A reply on a publisher's inbox. */
    private static String reply(String json) {
        return "MSG _INBOX.x.0 1 " + json.length() + "\r\n" + json + "\r\n";
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }
}
