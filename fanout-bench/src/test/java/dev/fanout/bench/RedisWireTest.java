package dev.fanout.bench;

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

class RedisWireTest {

    private static final RedisWire WIRE = new RedisWire();
    /** Small limits, so that lines and payloads at and past them are cheap to build. */
    private static final RedisWire SMALL = new RedisWire(64, 1024);

    /** A confirmation, messages (one holding RESP itself, one empty, one binary) and what else may arrive. */
    private static final String STREAM = "*3\r\n$9\r\nsubscribe\r\n$5\r\nbench\r\n:1\r\n"
            + message("hello")
            + ":1\r\n"
            + "+OK\r\n"
            + message("*3\r\n$7\r\nmessage\r\n:1\r\n-ERR\r\n")
            + message("")
            + "*4\r\n$8\r\npmessage\r\n$2\r\nb*\r\n$5\r\nbench\r\n$5\r\nother\r\n"
            + "*2\r\n$4\r\npong\r\n$0\r\n\r\n"
            + "$-1\r\n*-1\r\n*0\r\n$4\r\nbulk\r\n"
            + "*3\r\n$11\r\nunsubscribe\r\n$5\r\nbench\r\n:0\r\n"
            + message("\u0000\u00ff\r");
    private static final List<String> STREAM_PAYLOADS =
            List.of("hello", "*3\r\n$7\r\nmessage\r\n:1\r\n-ERR\r\n", "", "\u0000\u00ff\r");

    @Test
    void hello_isNone() {
        assertThat(WIRE.hello(ByteBufAllocator.DEFAULT)).isNull();
    }

    @Test
    void subscribe_isSubscribeCommand() {
        assertThat(text(WIRE.subscribe(ByteBufAllocator.DEFAULT, "bench.fan")))
                .isEqualTo("*2\r\n$9\r\nSUBSCRIBE\r\n$9\r\nbench.fan\r\n");
    }

    @Test
    void subscribe_countsTopicBytesNotCharacters() {
        assertThat(text(WIRE.subscribe(ByteBufAllocator.DEFAULT, "b\u00fc")))
                .isEqualTo("*2\r\n$9\r\nSUBSCRIBE\r\n$3\r\nb\u00c3\u00bc\r\n");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 9, 10, 99, 100, 1000, 65536})
    void publish_isPublishCommand_ofExactlyPublishSize(int size) {
        StringBuilder payload = new StringBuilder();
        for (int i = 0; i < size; i++) {
            payload.append((char) (i % 5 == 0 ? '\r' : i % 5 == 1 ? '\n' : i & 0xFF));
        }
        for (String topic : List.of("t", "bench.fan", "bench.\u00fc")) {
            String topicBytes = new String(topic.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
            ByteBuf out = ByteBufAllocator.DEFAULT.buffer();
            WIRE.publish(out, topic, latin1(payload.toString()));
            assertThat(out.readableBytes()).as("%s, %d bytes", topic, size).isEqualTo(WIRE.publishSize(topic, size));
            assertThat(text(out)).isEqualTo("*3\r\n$7\r\nPUBLISH\r\n$" + topicBytes.length() + "\r\n" + topicBytes
                    + "\r\n$" + size + "\r\n" + payload + "\r\n");
        }
    }

    @Test
    void decode_wholeStream_deliversMessagePayloadsAndReportsTheSubscription() {
        Recorder recorder = new Recorder();
        EmbeddedChannel channel = new EmbeddedChannel(WIRE.subscriberHandler(recorder), recorder);
        channel.writeInbound(latin1(STREAM));
        assertThat(recorder.payloads()).containsExactlyElementsOf(STREAM_PAYLOADS);
        assertThat(recorder.subscribed()).isEqualTo(1);
        assertThat(outbound(channel)).isEmpty();
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
        assertThat(recorder.subscribed()).isEqualTo(1);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void decode_manyMessagesInOneBuffer_deliversEachInOrder() {
        StringBuilder stream = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            String payload = "$" + i + "\r\n";
            expected.add(payload);
            stream.append(message(payload));
        }
        Recorder recorder = new Recorder();
        EmbeddedChannel channel = new EmbeddedChannel(WIRE.subscriberHandler(recorder), recorder);
        channel.writeInbound(latin1(stream.toString()));
        assertThat(recorder.payloads()).containsExactlyElementsOf(expected);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void publisherHandler_consumesPublishRepliesAndPushes() {
        EmbeddedChannel channel = new EmbeddedChannel(WIRE.publisherHandler());
        channel.writeInbound(latin1(":1\r\n:0\r\n:-3\r\n:12345\r\n" + STREAM));
        assertThat(channel.inboundMessages()).isEmpty();
        assertThat(outbound(channel)).isEmpty();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void decode_serverError_failsWithTheServersText() {
        EmbeddedChannel channel = new EmbeddedChannel(WIRE.publisherHandler());
        assertThatThrownBy(() -> channel.writeInbound(latin1(":1\r\n-ERR unknown command 'PUBLISHX'\r\n")))
                .isInstanceOf(ServerErrorException.class)
                .hasMessage("Redis server error: \"-ERR unknown command 'PUBLISHX'\"");
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
        assertThatThrownBy(() -> channel.writeInbound(latin1(message("hi"))))
                .hasRootCauseInstanceOf(IllegalStateException.class);
        channel.writeInbound(latin1(message("hi")));
        assertThat(seen).containsExactly("hi");
        channel.finishAndReleaseAll();
    }

    @Test
    void decode_afterAFailure_discardsTheRest() {
        Recorder recorder = new Recorder();
        EmbeddedChannel channel = new EmbeddedChannel(WIRE.subscriberHandler(recorder), recorder);
        assertThatThrownBy(() -> channel.writeInbound(latin1("HTTP/1.1 400 Bad Request\r\n" + message("a"))))
                .isInstanceOf(CorruptedFrameException.class);
        channel.writeInbound(latin1(message("b")));
        assertThat(recorder.payloads()).isEmpty();
        channel.finishAndReleaseAll();
    }

    @Test
    void decode_lineAtTheLimit_isAccepted() {
        EmbeddedChannel channel = new EmbeddedChannel(SMALL.publisherHandler());
        channel.writeInbound(latin1("+" + "x".repeat(63) + "\r\n:1\r\n"));
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void decode_lineOverTheLimit_fails() {
        EmbeddedChannel channel = new EmbeddedChannel(SMALL.publisherHandler());
        assertThatThrownBy(() -> channel.writeInbound(latin1("+" + "x".repeat(64) + "\r\n")))
                .isInstanceOf(TooLongFrameException.class)
                .hasMessageStartingWith("RESP line longer than 64 bytes");
        channel.finishAndReleaseAll();
    }

    @Test
    void decode_payloadAtTheLimit_isDelivered() {
        Recorder recorder = new Recorder();
        EmbeddedChannel channel = new EmbeddedChannel(SMALL.subscriberHandler(recorder), recorder);
        channel.writeInbound(latin1(message("p".repeat(1024))));
        assertThat(recorder.payloads()).containsExactly("p".repeat(1024));
        channel.finish();
    }

    @ParameterizedTest
    @ValueSource(strings = {"$1025\r\n", "*3\r\n$7\r\nmessage\r\n$5\r\nbench\r\n$1025\r\n", "$4294967296\r\n",
        "$99999999999999999999999999\r\n", "*17\r\n"})
    void decode_lengthOverTheLimit_failsOnTheHeaderAlone(String header) {
        EmbeddedChannel channel = new EmbeddedChannel(SMALL.publisherHandler());
        assertThatThrownBy(() -> channel.writeInbound(latin1(header)))
                .isInstanceOf(TooLongFrameException.class)
                .hasMessageContaining("exceeds the maximum");
        channel.finishAndReleaseAll();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "GET / HTTP/1.1\r\n",
        "*3\r\n*1\r\n",
        "$-2\r\n",
        "*-2\r\n",
        "$abc\r\n",
        "$\r\n",
        ":\r\n",
        ":x\r\n",
        "\r\n",
        "$5\r\nhelloXX",
        "$5\r\nhello\n\n",
        ":1\n",
        "_\r\n",
        "%1\r\n",
    })
    void decode_garbage_failsAsCorrupted(String garbage) {
        EmbeddedChannel channel = new EmbeddedChannel(WIRE.publisherHandler());
        assertThatThrownBy(() -> channel.writeInbound(latin1(garbage)))
                .isInstanceOf(CorruptedFrameException.class);
        channel.finishAndReleaseAll();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 10, 128, 65536})
    void publishAcked_isXaddToTheTopicsStream_trimmedToRetain_ofExactlyItsSize(int size) {
        String payload = "\r\n$".repeat(size / 3 + 1).substring(0, size);
        for (String topic : List.of("t", "bench.acked", "bench.\u00fc")) {
            String topicBytes = new String(topic.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
            ByteBuf out = ByteBufAllocator.DEFAULT.buffer();
            WIRE.publishAcked(out, topic, "ignored", 1, latin1(payload));
            assertThat(out.readableBytes()).as("%s, %d bytes", topic, size)
                    .isEqualTo(WIRE.publishAckedSize(topic, "ignored", size));
            assertThat(text(out)).isEqualTo("*8\r\n$4\r\nXADD\r\n$" + topicBytes.length() + "\r\n" + topicBytes
                    + "\r\n$6\r\nMAXLEN\r\n$1\r\n~\r\n$4\r\n1000\r\n$1\r\n*\r\n$1\r\np\r\n$" + size + "\r\n"
                    + payload + "\r\n");
        }
        assertThat(AckedWire.RETAIN).isEqualTo(1000);
        assertThat(WIRE.prepare(ByteBufAllocator.DEFAULT, "bench", "ignored")).isNull();
    }

    @Test
    void ackHandler_countsEveryWholeReply_inAStreamSplitAtEveryByte() {
        // Three XADD replies, then the stream above: 14 replies more, whatever they are.
        byte[] wire = ("$15\r\n1700000000000-0\r\n$15\r\n1700000000000-1\r\n$3\r\n9-0\r\n" + STREAM)
                .getBytes(StandardCharsets.ISO_8859_1);
        for (int cut = 1; cut < wire.length; cut++) {
            List<Long> acks = new ArrayList<>();
            EmbeddedChannel channel = new EmbeddedChannel(WIRE.ackHandler(acks::add));
            channel.writeInbound(Unpooled.wrappedBuffer(wire, 0, cut));
            channel.writeInbound(Unpooled.wrappedBuffer(wire, cut, wire.length - cut));
            assertThat(acks).as("cut at %d", cut).hasSize(3 + 14).containsOnly(AckSink.IN_ORDER);
            assertThat(channel.finish()).isFalse();
        }
    }

    @Test
    void ackHandler_errorReply_isNotCounted_andFailsWithTheServersText() {
        List<Long> acks = new ArrayList<>();
        EmbeddedChannel channel = new EmbeddedChannel(WIRE.ackHandler(acks::add));
        assertThatThrownBy(() -> channel.writeInbound(latin1("$3\r\n1-0\r\n-WRONGTYPE Operation against a key "
                + "holding the wrong kind of value\r\n$3\r\n2-0\r\n")))
                .isInstanceOf(ServerErrorException.class)
                .hasMessage("Redis server error: \"-WRONGTYPE Operation against a key holding the wrong kind of "
                        + "value\"");
        assertThat(acks).hasSize(1);
        channel.finishAndReleaseAll();
    }

    /** A message push for channel {@code bench}. */
    private static String message(String payload) {
        return "*3\r\n$7\r\nmessage\r\n$5\r\nbench\r\n$" + payload.length() + "\r\n" + payload + "\r\n";
    }
}
