package dev.fanout.protocol.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {

    private static final int MAX = 64;

    @Test
    void decode_wholeFrame_emitsPayloadWithoutPrefix() {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(MAX));
        channel.writeInbound(frame("hello"));
        assertThat(readAll(channel)).containsExactly("hello");
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void decode_frameSplitAtEveryByte_emitsPayloadOnceComplete() {
        byte[] wire = bytes(frame("split me"));
        for (int cut = 1; cut < wire.length; cut++) {
            EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(MAX));
            channel.writeInbound(Unpooled.wrappedBuffer(wire, 0, cut));
            assertThat(readAll(channel)).as("cut at %d", cut).isEmpty();
            channel.writeInbound(Unpooled.wrappedBuffer(wire, cut, wire.length - cut));
            assertThat(readAll(channel)).as("cut at %d", cut).containsExactly("split me");
            assertThat(channel.finish()).isFalse();
        }
    }

    @Test
    void decode_manyFramesInOneBuffer_emitsEachInOrder() {
        ByteBuf wire = Unpooled.buffer();
        for (int i = 0; i < 100; i++) {
            ByteBuf one = frame("m" + i);
            wire.writeBytes(one);
            one.release();
        }
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(MAX));
        channel.writeInbound(wire);
        List<String> got = readAll(channel);
        assertThat(got).hasSize(100);
        for (int i = 0; i < 100; i++) {
            assertThat(got.get(i)).isEqualTo("m" + i);
        }
        channel.finish();
    }

    @Test
    void decode_emptyPayload_emitsEmptyFrame() {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(MAX));
        channel.writeInbound(frame(""));
        assertThat(readAll(channel)).containsExactly("");
        channel.finish();
    }

    @Test
    void decode_payloadAtTheLimit_isAccepted() {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(MAX));
        channel.writeInbound(frame("x".repeat(MAX)));
        assertThat(readAll(channel)).containsExactly("x".repeat(MAX));
        channel.finish();
    }

    @Test
    void decode_oversizedPrefix_failsOnTheHeaderAlone() {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(MAX));
        ByteBuf header = Unpooled.buffer(4).writeInt(MAX + 1);
        assertThatThrownBy(() -> channel.writeInbound(header)).isInstanceOf(TooLongFrameException.class);
        channel.finishAndReleaseAll();
    }

    @Test
    void decode_fourGibPrefix_failsWithoutAllocating() {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(MAX));
        ByteBuf header = Unpooled.buffer(4).writeInt(0xFFFFFFFF);
        assertThatThrownBy(() -> channel.writeInbound(header))
                .isInstanceOf(TooLongFrameException.class)
                .hasMessage("frame length 4294967295 exceeds the maximum of 64 bytes");
        channel.finishAndReleaseAll();
    }

    @Test
    void decode_garbage_failsOrWaitsButNeverEmitsBeyondTheLimit() {
        byte[] garbage = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(MAX));
        // "GET " read as a length is 0x47455420, far above the limit.
        assertThatThrownBy(() -> channel.writeInbound(Unpooled.wrappedBuffer(garbage)))
                .isInstanceOf(TooLongFrameException.class);
        channel.finishAndReleaseAll();
    }

    @Test
    void encode_thenDecode_roundTrips() {
        ByteBuf payload = Unpooled.copiedBuffer("round trip", StandardCharsets.UTF_8);
        ByteBuf wire = Frames.encode(Unpooled.buffer(0).alloc(), payload);
        payload.release();
        assertThat(wire.getInt(0)).isEqualTo(10);
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(MAX));
        channel.writeInbound(wire);
        assertThat(readAll(channel)).containsExactly("round trip");
        channel.finish();
    }

    static ByteBuf frame(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        return Unpooled.buffer().writeInt(payload.length).writeBytes(payload);
    }

    private static byte[] bytes(ByteBuf buf) {
        byte[] out = new byte[buf.readableBytes()];
        buf.readBytes(out);
        buf.release();
        return out;
    }

    private static List<String> readAll(EmbeddedChannel channel) {
        List<String> out = new ArrayList<>();
        for (ByteBuf buf; (buf = channel.readInbound()) != null; ) {
            out.add(buf.toString(StandardCharsets.UTF_8));
            buf.release();
        }
        return out;
    }
}
