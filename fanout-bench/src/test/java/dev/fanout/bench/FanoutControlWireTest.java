package dev.fanout.bench;

import static dev.fanout.bench.Buffers.bytes;
import static dev.fanout.bench.Buffers.outbound;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fanout.protocol.control.ControlFrame;
import dev.fanout.protocol.control.ErrorCode;
import dev.fanout.protocol.control.GapCause;
import dev.fanout.protocol.control.GoodbyeReason;
import dev.fanout.protocol.control.RefKind;
import dev.fanout.protocol.control.ResumeMode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FanoutControlWireTest {

    private static final FanoutControlWire WIRE = new FanoutControlWire();
    /** A small limit, so that frames at and past it are cheap to build. */
    private static final FanoutControlWire SMALL = new FanoutControlWire(1024);

    private static final byte[] WELCOME = ControlFrames.wire(new ControlFrame.Welcome(1, 7, "fanout", "0.1.0",
            1 << 20, 1 << 18, 30_000, 10_000, List.of()));

    /**
     * Raw frames of the default topic (one that looks like a MSG, one like a PING, one empty), the WELCOME, then
     * every kind of frame a server sends a subscriber, with payloads holding frame-like bytes and nothing.
     */
    private static final byte[] STREAM = ControlFrames.concat(
            ControlFrames.raw(ControlFrames.msg(1, 1, "raw")),
            ControlFrames.raw(ControlFrames.wire(new ControlFrame.Ping(9))),
            ControlFrames.raw(new byte[0]),
            WELCOME,
            ControlFrames.wire(new ControlFrame.Subscribed(1, 3, 0)),
            ControlFrames.msg(1, 1, "hello"),
            ControlFrames.wire(new ControlFrame.Ping(42)),
            ControlFrames.msg(1, 2, ""),
            ControlFrames.wire(new ControlFrame.Gap(1, GapCause.DROPPED, 3, 3, 4, 1, 5, "bench")),
            ControlFrames.wire(new ControlFrame.Pong(1)),
            ControlFrames.wire(new ControlFrame.Ack(1, 3, 6)),
            ControlFrames.wire(new ControlFrame.Reset(1, 3, 4, 1, 6, "bench")),
            ControlFrames.msg(1, 7, Recorder.latin1(WELCOME)));
    private static final List<String> STREAM_PAYLOADS = List.of("hello", "", Recorder.latin1(WELCOME));
    private static final String PONG_42 = Recorder.latin1(ControlFrames.wire(new ControlFrame.Pong(42)));

    @Test
    void target_fanoutControl_isThisWireOnTheFramesPort() {
        assertThat(Target.parse("fanout-control")).isEqualTo(Target.FANOUT_CONTROL);
        assertThat(Target.FANOUT_CONTROL.label()).isEqualTo("fanout-control");
        assertThat(Target.FANOUT_CONTROL.defaultPort()).isEqualTo(7070);
        assertThat(Target.FANOUT_CONTROL.wire()).isInstanceOf(FanoutControlWire.class);
    }

    @Test
    void hello_isAVersion1HelloWithoutOptions() {
        assertThat(ControlFrames.hex(bytes(WIRE.hello(ByteBufAllocator.DEFAULT))))
                .isEqualTo("00 00 00 0c 89 66 61 6e 6f 75 74 0a 00 01 00 00");
    }

    @Test
    void subscribe_isSubscriptionOne_modeNew_withoutEcho() {
        byte[] sub = bytes(WIRE.subscribe(ByteBufAllocator.DEFAULT, "bench.fan"));
        assertThat(sub).isEqualTo(ControlFrames.wire(new ControlFrame.Sub(1, false, ResumeMode.NEW, 0, 0, "bench.fan",
                List.of())));
        assertThat(ControlFrames.hex(sub)).startsWith("00 00 00 24 90 00 00 00 01 00 00");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 16, 255, 65536})
    void publish_isAFireAndForgetPub_ofExactlyPublishSize(int size) {
        byte[] payload = new byte[size];
        for (int i = 0; i < size; i++) {
            payload[i] = (byte) (0xa0 + i);
        }
        for (String topic : List.of("t", "bench.fan", "a-b:c@d~e_f")) {
            ByteBuf out = ByteBufAllocator.DEFAULT.buffer();
            WIRE.publish(out, topic, Unpooled.wrappedBuffer(payload));
            assertThat(out.readableBytes()).as("%s, %d bytes", topic, size).isEqualTo(WIRE.publishSize(topic, size));
            assertThat(bytes(out)).isEqualTo(ControlFrames.wire(new ControlFrame.Pub(0, topic,
                    Unpooled.wrappedBuffer(payload))));
        }
    }

    @Test
    void publish_readsThePayloadWithoutConsumingIt() {
        ByteBuf payload = Unpooled.copiedBuffer("xyz", StandardCharsets.US_ASCII);
        payload.readByte();
        ByteBuf out = ByteBufAllocator.DEFAULT.buffer();
        WIRE.publish(out, "t", payload);
        assertThat(ControlFrames.hex(bytes(out))).isEqualTo("00 00 00 0e a0 00 00 00 00 00 00 00 00 00 01 74 79 7a");
        assertThat(payload.readableBytes()).isEqualTo(2);
        payload.release();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "two words", "prices.*", "prices.>", "prices..eur", ".prices", "prix.\u20ac"})
    void topicThatIsNotAnExactTopic_isRefused(String topic) {
        assertThatThrownBy(() -> WIRE.checkTopic(topic)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a fanout topic: ");
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
    void decode_wholeStream_skipsUntilWelcome_deliversPayloadsAnswersPingAndReportsSubscribed() {
        Recorder recorder = new Recorder();
        EmbeddedChannel channel = new EmbeddedChannel(WIRE.subscriberHandler(recorder), recorder);
        channel.writeInbound(Unpooled.wrappedBuffer(STREAM));
        assertThat(recorder.payloads()).containsExactlyElementsOf(STREAM_PAYLOADS);
        assertThat(outbound(channel)).containsExactly(PONG_42);
        assertThat(recorder.subscribed()).isEqualTo(1);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void decode_streamSplitAtEveryByte_deliversTheSame() {
        for (int cut = 1; cut < STREAM.length; cut++) {
            Recorder recorder = new Recorder();
            EmbeddedChannel channel = new EmbeddedChannel(WIRE.subscriberHandler(recorder), recorder);
            channel.writeInbound(Unpooled.wrappedBuffer(STREAM, 0, cut));
            channel.writeInbound(Unpooled.wrappedBuffer(STREAM, cut, STREAM.length - cut));
            assertThat(recorder.payloads()).as("cut at %d", cut).containsExactlyElementsOf(STREAM_PAYLOADS);
            assertThat(outbound(channel)).as("cut at %d", cut).containsExactly(PONG_42);
            assertThat(recorder.subscribed()).as("cut at %d", cut).isEqualTo(1);
            assertThat(channel.finish()).isFalse();
        }
    }

    @Test
    void decode_streamOneByteAtATime_deliversTheSame() {
        Recorder recorder = new Recorder();
        EmbeddedChannel channel = new EmbeddedChannel(WIRE.subscriberHandler(recorder), recorder);
        for (byte b : STREAM) {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        assertThat(recorder.payloads()).containsExactlyElementsOf(STREAM_PAYLOADS);
        assertThat(outbound(channel)).containsExactly(PONG_42);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void decode_manyMessagesInOneBuffer_deliversEachInOrder() {
        ByteBuf stream = Unpooled.buffer().writeBytes(WELCOME);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            String payload = "m" + i;
            expected.add(payload);
            stream.writeBytes(ControlFrames.msg(1, i + 1, payload));
        }
        Recorder recorder = new Recorder();
        EmbeddedChannel channel = new EmbeddedChannel(WIRE.subscriberHandler(recorder), recorder);
        channel.writeInbound(stream);
        assertThat(recorder.payloads()).containsExactlyElementsOf(expected);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void decode_beforeWelcome_deliversNothing() {
        Recorder recorder = new Recorder();
        EmbeddedChannel channel = new EmbeddedChannel(WIRE.subscriberHandler(recorder), recorder);
        channel.writeInbound(Unpooled.wrappedBuffer(ControlFrames.concat(ControlFrames.msg(1, 1, "early"),
                ControlFrames.wire(new ControlFrame.Ping(1)),
                ControlFrames.wire(new ControlFrame.Error(ErrorCode.BAD_TOPIC, RefKind.NONE, 0, "raw bytes")))));
        assertThat(recorder.payloads()).isEmpty();
        assertThat(outbound(channel)).isEmpty();
        assertThat(recorder.subscribed()).isZero();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void publisherHandler_discardsMessagesAndAnswersPing() {
        EmbeddedChannel channel = new EmbeddedChannel(WIRE.publisherHandler());
        channel.writeInbound(Unpooled.wrappedBuffer(STREAM));
        assertThat(channel.inboundMessages()).isEmpty();
        assertThat(outbound(channel)).containsExactly(PONG_42);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void decode_serverError_failsWithTheServersText() {
        EmbeddedChannel channel = welcomed(WIRE.publisherHandler());
        ControlFrame error = new ControlFrame.Error(ErrorCode.PAYLOAD_TOO_LARGE, RefKind.NONE, 0, "too big");
        assertThatThrownBy(() -> channel.writeInbound(Unpooled.wrappedBuffer(ControlFrames.wire(error))))
                .isInstanceOf(ServerErrorException.class)
                .hasMessage("fanout server error: payload_too_large: too big");
        channel.finishAndReleaseAll();
    }

    @Test
    void decode_goodbye_failsWithTheReason() {
        EmbeddedChannel channel = welcomed(WIRE.publisherHandler());
        ControlFrame goodbye = new ControlFrame.Goodbye(GoodbyeReason.SLOW_CONSUMER, "read faster");
        assertThatThrownBy(() -> channel.writeInbound(Unpooled.wrappedBuffer(ControlFrames.wire(goodbye))))
                .isInstanceOf(ServerErrorException.class)
                .hasMessage("fanout server said goodbye: SLOW_CONSUMER: read faster");
        channel.finishAndReleaseAll();
    }

    @Test
    void decode_sinkThatThrows_failsTheConnectionAndDeliversNothingMore() {
        List<String> seen = new ArrayList<>();
        PayloadSink throwing = (buf, index, length) -> {
            seen.add(buf.toString(index, length, StandardCharsets.ISO_8859_1));
            throw new IllegalStateException("sink broke");
        };
        EmbeddedChannel channel = welcomed(WIRE.subscriberHandler(throwing));
        assertThatThrownBy(() -> channel.writeInbound(Unpooled.wrappedBuffer(ControlFrames.msg(1, 1, "hi"))))
                .hasRootCauseInstanceOf(IllegalStateException.class);
        channel.writeInbound(Unpooled.wrappedBuffer(ControlFrames.msg(1, 2, "hi")));
        assertThat(seen).containsExactly("hi");
        channel.finishAndReleaseAll();
    }

    @Test
    void decode_afterAFailure_discardsTheRest() {
        Recorder recorder = new Recorder();
        EmbeddedChannel channel = welcomed(WIRE.subscriberHandler(recorder), recorder);
        assertThatThrownBy(() -> channel.writeInbound(Unpooled.wrappedBuffer(ControlFrames.concat(
                ControlFrames.raw(new byte[] {(byte) 0x80}), ControlFrames.msg(1, 1, "hi")))))
                .isInstanceOf(CorruptedFrameException.class);
        channel.writeInbound(Unpooled.wrappedBuffer(ControlFrames.concat(ControlFrames.msg(1, 2, "hi"),
                ControlFrames.wire(new ControlFrame.Ping(1)))));
        assertThat(recorder.payloads()).isEmpty();
        assertThat(outbound(channel)).isEmpty();
        channel.finishAndReleaseAll();
    }

    @Test
    void decode_frameAtTheLimit_isDelivered() {
        Recorder recorder = new Recorder();
        EmbeddedChannel channel = welcomed(SMALL.subscriberHandler(recorder), recorder);
        String payload = "p".repeat(1024 - 31 - "bench".length());
        channel.writeInbound(Unpooled.wrappedBuffer(ControlFrames.msg(1, 1, payload)));
        assertThat(recorder.payloads()).containsExactly(payload);
        channel.finish();
    }

    @Test
    void decode_frameOverTheLimit_failsOnItsLengthAlone() {
        EmbeddedChannel channel = new EmbeddedChannel(SMALL.publisherHandler());
        assertThatThrownBy(() -> channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 0, 4, 1})))
                .isInstanceOf(TooLongFrameException.class)
                .hasMessage("fanout frame of 1025 bytes exceeds the maximum of 1024");
        channel.finishAndReleaseAll();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",                                             // an empty body
        "80",                                           // a type nobody sends
        "a0 00 00 00 00 00 00 00 00 00 01 74",          // PUB: a client's frame
        "8a 66 61 6e 6f 75 74 0a",                      // a second WELCOME, cut short
        "b0 00 00 00 01 00 00",                         // MSG shorter than its header
        "b0 00 00 00 01" + " 00 00 00 00 00 00 00 01" + " 00 00 00 00 00 00 00 01" + " 00 00 00 00 00 00 00 01"
                + " 00 05 61",                          // MSG whose topic runs past its end
        "b0 00 00 00 02" + " 00 00 00 00 00 00 00 01" + " 00 00 00 00 00 00 00 01" + " 00 00 00 00 00 00 00 01"
                + " 00 01 61",                          // MSG for a subscription the bench did not make
        "81 00 00 00 2a",                               // PING cut short
    })
    void decode_garbageAfterWelcome_failsAsCorrupted(String body) {
        EmbeddedChannel channel = welcomed(WIRE.publisherHandler());
        byte[] frame = ControlFrames.raw(ByteBufUtil.decodeHexDump(body.replace(" ", "")));
        assertThatThrownBy(() -> channel.writeInbound(Unpooled.wrappedBuffer(frame)))
                .isInstanceOf(CorruptedFrameException.class);
        channel.finishAndReleaseAll();
    }

    @Test
    void decode_welcomeOfAnotherVersion_failsAsCorrupted() {
        byte[] welcome = WELCOME.clone();
        welcome[4 + 9] = 2;
        EmbeddedChannel channel = new EmbeddedChannel(WIRE.publisherHandler());
        assertThatThrownBy(() -> channel.writeInbound(Unpooled.wrappedBuffer(welcome)))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessageContaining("version 2");
        channel.finishAndReleaseAll();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 1L << 40})
    void publishAcked_isAPubWithThePublishId_ofExactlyItsSize(long publishId) {
        ByteBuf out = ByteBufAllocator.DEFAULT.buffer();
        WIRE.publishAcked(out, "bench.acked", "ignored", publishId, Unpooled.wrappedBuffer(new byte[] {1, 2, 3}));
        assertThat(out.readableBytes()).isEqualTo(WIRE.publishAckedSize("bench.acked", "ignored", 3));
        assertThat(bytes(out)).isEqualTo(ControlFrames.wire(new ControlFrame.Pub(publishId, "bench.acked",
                Unpooled.wrappedBuffer(new byte[] {1, 2, 3}))));
        assertThat(WIRE.prepare(ByteBufAllocator.DEFAULT, "bench.acked", "ignored")).isNull();
        assertThat(WIRE.prepareReplies()).isZero();
    }

    @Test
    void publishAcked_withPublishIdZero_isRefused_sinceZeroAsksForNoAck() {
        ByteBuf out = ByteBufAllocator.DEFAULT.buffer();
        try {
            assertThatThrownBy(() -> WIRE.publishAcked(out, "bench", "ignored", 0, Unpooled.EMPTY_BUFFER))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("publishId (0) must be at least 1: 0 asks for no ACK");
            assertThat(out.readableBytes()).isZero();
        } finally {
            out.release();
        }
    }

    @Test
    void ackHandler_streamSplitAtEveryByte_handsEachAcksPublishIdOver_andAnswersPing() {
        byte[] stream = ControlFrames.concat(WELCOME,
                ControlFrames.wire(new ControlFrame.Ack(1, 3, 10)),
                ControlFrames.wire(new ControlFrame.Ping(42)),
                ControlFrames.wire(new ControlFrame.Ack(2, 3, 11)),
                ControlFrames.msg(1, 12, "a message, ignored"),
                ControlFrames.wire(new ControlFrame.Ack(Long.MAX_VALUE, 3, 12)));
        for (int cut = 1; cut < stream.length; cut++) {
            List<Long> acks = new ArrayList<>();
            EmbeddedChannel channel = new EmbeddedChannel(WIRE.ackHandler(acks::add));
            channel.writeInbound(Unpooled.wrappedBuffer(stream, 0, cut));
            channel.writeInbound(Unpooled.wrappedBuffer(stream, cut, stream.length - cut));
            assertThat(acks).as("cut at %d", cut).containsExactly(1L, 2L, Long.MAX_VALUE);
            assertThat(outbound(channel)).as("cut at %d", cut).containsExactly(PONG_42);
            assertThat(channel.finish()).isFalse();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "a1 00 00 00 00 00 00 00 01",                   // ACK cut short after its publish id
        "a1 00 00 00 00 00 00 00 01" + " 00 00 00 00 00 00 00 03" + " 00 00 00 00 00 00 00 0a" + " 00",  // too long
        "a1 00 00 00 00 00 00 00 00" + " 00 00 00 00 00 00 00 03" + " 00 00 00 00 00 00 00 0a",  // publish id 0
    })
    void ackHandler_brokenAck_failsAsCorrupted(String body) {
        List<Long> acks = new ArrayList<>();
        EmbeddedChannel channel = welcomed(WIRE.ackHandler(acks::add));
        byte[] frame = ControlFrames.raw(ByteBufUtil.decodeHexDump(body.replace(" ", "")));
        assertThatThrownBy(() -> channel.writeInbound(Unpooled.wrappedBuffer(frame)))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessageStartingWith("fanout ACK of ");
        assertThat(acks).isEmpty();
        channel.finishAndReleaseAll();
    }

    @Test
    void ackHandler_errorNamingAPublish_failsWithTheServersText() {
        EmbeddedChannel channel = welcomed(WIRE.ackHandler(publishId -> { }));
        ControlFrame error = new ControlFrame.Error(ErrorCode.TOPIC_LIMIT, RefKind.PUBLISH_ID, 7, "too many topics");
        assertThatThrownBy(() -> channel.writeInbound(Unpooled.wrappedBuffer(ControlFrames.wire(error))))
                .isInstanceOf(ServerErrorException.class)
                .hasMessage("fanout server error: topic_limit: too many topics");
        channel.finishAndReleaseAll();
    }

    /** A channel with {@code handlers} that has read the WELCOME. */
    private static EmbeddedChannel welcomed(ChannelHandler... handlers) {
        EmbeddedChannel channel = new EmbeddedChannel(handlers);
        channel.writeInbound(Unpooled.wrappedBuffer(WELCOME));
        return channel;
    }
}
