package dev.fanout.protocol.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fanout.protocol.control.ControlFrame.Goodbye;
import dev.fanout.protocol.control.ControlFrame.Pub;
import dev.fanout.protocol.frame.FrameDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.TooLongFrameException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The codec in a pipeline: FrameDecoder, ControlFrameDecoder and ControlFrameEncoder on an EmbeddedChannel. */
class ControlPipelineTest {

    private static final int MAX = 1024;

    @Test
    void encodeThenDecode_everyType_roundTrips() {
        List<ControlFrame> samples = Samples.all();
        List<ControlFrame> decoded = new ArrayList<>();
        for (ControlFrame sample : samples) {
            ByteBuf wire = ControlCodec.encode(ByteBufAllocator.DEFAULT, sample);
            assertThat(wire.readInt()).as("%s length prefix", sample).isEqualTo(wire.readableBytes());
            decoded.add(ControlCodec.decode(wire));
            assertThat(wire.readerIndex()).as("decode leaves the indices alone").isEqualTo(4);
            wire.release();
        }
        assertThat(decoded).containsExactlyElementsOf(samples);
        assertThat(Samples.types(decoded)).containsExactlyInAnyOrder(FrameType.values());
        for (ControlFrame sample : samples) {
            if (sample instanceof Pub pub) {
                assertThat(pub.payload().refCnt()).as("encode must not release the payload").isEqualTo(1);
            }
        }
        Samples.releaseAll(samples);
        Samples.releaseAll(decoded);
    }

    @Test
    void decode_wholeFrame_emitsTheFrame() {
        List<ControlFrame> samples = Samples.all();
        for (ControlFrame sample : samples) {
            EmbeddedChannel channel = decoderChannel();
            channel.writeInbound(ControlCodec.encode(ByteBufAllocator.DEFAULT, sample));
            assertEmits(channel, sample.type().name(), List.of(sample));
            assertThat(channel.finish()).isFalse();
        }
        Samples.releaseAll(samples);
    }

    @Test
    void decode_frameSplitAtEveryByte_emitsTheFrameOnceComplete() {
        List<ControlFrame> samples = Samples.all();
        int cuts = 0;
        for (ControlFrame sample : samples) {
            byte[] wire = Samples.wire(sample);
            for (int cut = 1; cut < wire.length; cut++) {
                EmbeddedChannel channel = decoderChannel();
                channel.writeInbound(copy(wire, 0, cut));
                assertEmits(channel, sample.type() + " first " + cut + " bytes", List.of());
                channel.writeInbound(copy(wire, cut, wire.length - cut));
                assertEmits(channel, sample.type() + " cut at " + cut, List.of(sample));
                assertThat(channel.finish()).isFalse();
                cuts++;
            }
        }
        assertThat(cuts).isGreaterThan(samples.size() * 8);
        Samples.releaseAll(samples);
    }

    @Test
    void decode_severalFramesInOneBuffer_emitsEachInOrder() {
        List<ControlFrame> samples = Samples.all();
        ByteBuf wire = ByteBufAllocator.DEFAULT.buffer();
        for (int round = 0; round < 3; round++) {
            for (ControlFrame sample : samples) {
                wire.writeBytes(Samples.wire(sample));
            }
        }
        EmbeddedChannel channel = decoderChannel();
        channel.writeInbound(wire);
        List<ControlFrame> expected = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            expected.addAll(samples);
        }
        assertEmits(channel, "three rounds of every sample", expected);
        assertThat(channel.finish()).isFalse();
        Samples.releaseAll(samples);
    }

    @Test
    void decode_frameOverTheMaximum_failsWithTooLongFrame() {
        Pub big = new Pub(1, "big", Samples.payload("x".repeat(MAX)));
        EmbeddedChannel channel = decoderChannel();
        ByteBuf wire = ControlCodec.encode(ByteBufAllocator.DEFAULT, big);
        big.release();
        assertThatThrownBy(() -> channel.writeInbound(wire)).isInstanceOf(TooLongFrameException.class);
        assertEmits(channel, "nothing", List.of());
        channel.finishAndReleaseAll();
    }

    @Test
    void decode_badFrame_firesControlProtocolExceptionAndGoesOn() {
        EmbeddedChannel channel = decoderChannel();
        ByteBuf wire = ByteBufAllocator.DEFAULT.buffer().writeInt(1).writeByte(0x77);
        assertThatThrownBy(() -> channel.writeInbound(wire))
                .isInstanceOfSatisfying(ControlProtocolException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_TYPE))
                .hasMessage("unknown frame type 0x77");
        ControlFrame ping = new ControlFrame.Ping(5);
        channel.writeInbound(ControlCodec.encode(ByteBufAllocator.DEFAULT, ping));
        assertEmits(channel, "the frame after the bad one", List.of(ping));
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void encoder_everyType_writesWhatEncodeMakesAndReleasesTheFrame() {
        List<ControlFrame> samples = Samples.all();
        EmbeddedChannel channel = new EmbeddedChannel(ControlFrameEncoder.INSTANCE);
        for (ControlFrame sample : samples) {
            byte[] expected = Samples.wire(sample);
            assertThat(channel.writeOutbound(sample)).isTrue();
            ByteBuf written = channel.readOutbound();
            assertThat(ByteBufUtil.getBytes(written)).as("%s", sample.type()).isEqualTo(expected);
            written.release();
            if (sample instanceof Pub pub) {
                assertThat(pub.payload().refCnt()).as("the encoder releases what it is handed").isZero();
            }
        }
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void encoder_stringTooLong_failsTheWrite() {
        EmbeddedChannel channel = new EmbeddedChannel(ControlFrameEncoder.INSTANCE);
        ChannelFuture write = channel.writeAndFlush(new Goodbye(GoodbyeReason.SHUTDOWN, "x".repeat(70_000)));
        assertThat(write.cause())
                .isInstanceOf(EncoderException.class)
                .hasRootCauseInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("GOODBYE: field 'text' is 70000 bytes of UTF-8, over the 65535 a str holds");
        Object written = channel.readOutbound();
        assertThat(written).isNull();
        channel.finishAndReleaseAll();
    }

    @Test
    void encoderAndDecoder_inOnePipeline_carryEveryTypeAcross() {
        List<ControlFrame> samples = Samples.all();
        EmbeddedChannel sender = new EmbeddedChannel(ControlFrameEncoder.INSTANCE);
        EmbeddedChannel receiver = decoderChannel();
        for (ControlFrame sample : samples) {
            sender.writeOutbound(Samples.decode(Samples.body(sample)));
        }
        for (ByteBuf out; (out = sender.readOutbound()) != null; ) {
            receiver.writeInbound(out);
        }
        assertEmits(receiver, "every sample", samples);
        assertThat(sender.finish()).isFalse();
        assertThat(receiver.finish()).isFalse();
        Samples.releaseAll(samples);
    }

    private static EmbeddedChannel decoderChannel() {
        return new EmbeddedChannel(new FrameDecoder(MAX), ControlFrameDecoder.INSTANCE);
    }

    private static ByteBuf copy(byte[] bytes, int offset, int length) {
        return ByteBufAllocator.DEFAULT.buffer(length).writeBytes(bytes, offset, length);
    }

    /** Asserts the channel emitted exactly {@code expected}, then releases what it emitted. */
    private static void assertEmits(EmbeddedChannel channel, String description, List<ControlFrame> expected) {
        List<ControlFrame> frames = new ArrayList<>();
        for (Object frame; (frame = channel.readInbound()) != null; ) {
            frames.add((ControlFrame) frame);
        }
        try {
            assertThat(frames).as(description).containsExactlyElementsOf(expected);
        } finally {
            Samples.releaseAll(frames);
        }
    }
}
