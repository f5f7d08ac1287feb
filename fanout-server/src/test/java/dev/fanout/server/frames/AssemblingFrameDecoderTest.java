package dev.fanout.server.frames;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AssemblingFrameDecoderTest {

    private final InboundBudget budget = new InboundBudget(1024);
    private final EmbeddedChannel channel =
            new EmbeddedChannel(new AssemblingFrameDecoder(100, budget, Duration.ZERO));

    @AfterEach
    void finish() {
        channel.finishAndReleaseAll();
        assertThat(budget.chargedBytes()).as("everything charged was given back").isZero();
    }

    private static byte[] frame(String text) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteBuffer all = ByteBuffer.allocate(java.util.Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (byte[] part : parts) {
            all.put(part);
        }
        return all.array();
    }

    private List<String> decoded() {
        List<String> out = new ArrayList<>();
        for (ByteBuf buf; (buf = channel.readInbound()) != null; ) {
            out.add(buf.toString(StandardCharsets.UTF_8));
            buf.release();
        }
        return out;
    }

    @Test
    void wholeFrame_isOnePayload() {
        channel.writeInbound(Unpooled.wrappedBuffer(frame("hello")));
        assertThat(decoded()).containsExactly("hello");
    }

    @Test
    void severalFramesInOneBuffer_areEachDecoded() {
        channel.writeInbound(Unpooled.wrappedBuffer(concat(frame("a"), frame(""), frame("ccc"))));
        assertThat(decoded()).containsExactly("a", "", "ccc");
    }

    @Test
    void framesSplitAtEveryByte_areReassembled_andTheBudgetIsGivenBack() {
        byte[] bytes = concat(frame("first"), frame("second frame"), frame("x"));
        for (int split = 1; split < bytes.length; split++) {
            channel.writeInbound(Unpooled.wrappedBuffer(bytes, 0, split));
            channel.writeInbound(Unpooled.wrappedBuffer(bytes, split, bytes.length - split));
            assertThat(decoded()).as("split at %d", split).containsExactly("first", "second frame", "x");
            assertThat(budget.chargedBytes()).isZero();
        }
    }

    @Test
    void frameFedOneByteAtATime_isCharged_whileItIsAssembled() {
        byte[] bytes = frame("0123456789");
        for (int i = 0; i < bytes.length - 1; i++) {
            channel.writeInbound(Unpooled.wrappedBuffer(bytes, i, 1));
        }
        assertThat(budget.chargedBytes()).isEqualTo(10);
        channel.writeInbound(Unpooled.wrappedBuffer(bytes, bytes.length - 1, 1));
        assertThat(decoded()).containsExactly("0123456789");
        assertThat(budget.chargedBytes()).isZero();
    }

    @Test
    void oversizedLength_failsBeforeAnythingIsBuffered() {
        ByteBuf huge = Unpooled.buffer().writeInt(0xFFFFFFFF).writeBytes(new byte[10]);
        assertThatThrownBy(() -> channel.writeInbound(huge))
                .isInstanceOf(TooLongFrameException.class)
                .hasMessage("frame length 4294967295 exceeds the maximum of 100 bytes");
        assertThat(budget.chargedBytes()).isZero();
    }

    @Test
    void garbage_isEitherFramesOrAClearError() {
        java.util.Random random = new java.util.Random(12);
        for (int i = 0; i < 200; i++) {
            EmbeddedChannel garbage = new EmbeddedChannel(new AssemblingFrameDecoder(100, budget, Duration.ZERO));
            byte[] bytes = new byte[random.nextInt(300)];
            random.nextBytes(bytes);
            try {
                garbage.writeInbound(Unpooled.wrappedBuffer(bytes));
            } catch (TooLongFrameException expected) {
                // a random length above 100 bytes
            }
            garbage.finishAndReleaseAll();
        }
        assertThat(budget.chargedBytes()).isZero();
    }

    @Test
    void frameLargerThanTheBudgetHasRoomFor_waits_andReadingStops() {
        InboundBudget small = new InboundBudget(16);
        EmbeddedChannel held = new EmbeddedChannel(new AssemblingFrameDecoder(100, small, Duration.ZERO));
        EmbeddedChannel waiting = new EmbeddedChannel(new AssemblingFrameDecoder(100, small, Duration.ZERO));
        byte[] first = frame("0123456789abcdef");
        byte[] second = frame("second");
        held.writeInbound(Unpooled.wrappedBuffer(first, 0, 10));
        waiting.writeInbound(Unpooled.wrappedBuffer(second, 0, 5));
        assertThat(small.chargedBytes()).isEqualTo(16);
        assertThat(small.waits()).isEqualTo(1);
        assertThat(waiting.config().isAutoRead()).isFalse();

        held.writeInbound(Unpooled.wrappedBuffer(first, 10, first.length - 10));
        ByteBuf done = held.readInbound();
        assertThat(done.toString(StandardCharsets.UTF_8)).isEqualTo("0123456789abcdef");
        done.release();
        waiting.runPendingTasks();
        assertThat(waiting.config().isAutoRead()).isTrue();
        waiting.writeInbound(Unpooled.wrappedBuffer(second, 5, second.length - 5));
        ByteBuf got = waiting.readInbound();
        assertThat(got.toString(StandardCharsets.UTF_8)).isEqualTo("second");
        got.release();
        held.finishAndReleaseAll();
        waiting.finishAndReleaseAll();
        assertThat(small.chargedBytes()).isZero();
    }
}
