package dev.fanout.protocol.line;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LineDecoderTest {

    private static final Duration FLUSH = Duration.ofMillis(300);

    private static EmbeddedChannel channel(int maxLine) {
        return new EmbeddedChannel(new LineDecoder(maxLine, FLUSH));
    }

    @Test
    void decode_wholeLines_emitsEachWithoutLineEnd() {
        EmbeddedChannel channel = channel(64);
        channel.writeInbound(utf8("hello\nworld\r\n"));
        assertThat(readAll(channel)).containsExactly("hello", "world");
        channel.finish();
    }

    @Test
    void decode_lineSplitAtEveryByte_emitsItOnceComplete() {
        byte[] wire = "héllo wörld\r\n".getBytes(StandardCharsets.UTF_8);
        for (int cut = 1; cut < wire.length; cut++) {
            EmbeddedChannel channel = channel(64);
            channel.writeInbound(Unpooled.wrappedBuffer(wire, 0, cut));
            assertThat(readAll(channel)).as("cut at %d", cut).isEmpty();
            channel.writeInbound(Unpooled.wrappedBuffer(wire, cut, wire.length - cut));
            assertThat(readAll(channel)).as("cut at %d", cut).containsExactly("héllo wörld");
            channel.finish();
        }
    }

    @Test
    void decode_manyLinesInOneBuffer_emitsEachInOrder() {
        StringBuilder wire = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            wire.append("line ").append(i).append('\n');
            expected.add("line " + i);
        }
        EmbeddedChannel channel = channel(64);
        channel.writeInbound(utf8(wire.toString()));
        assertThat(readAll(channel)).containsExactlyElementsOf(expected);
        channel.finish();
    }

    @Test
    void decode_emptyLine_emitsEmptyString() {
        EmbeddedChannel channel = channel(64);
        channel.writeInbound(utf8("\n\r\n"));
        assertThat(readAll(channel)).containsExactly("", "");
        channel.finish();
    }

    @Test
    void decode_lineAtTheLimit_isAccepted() {
        EmbeddedChannel channel = channel(8);
        channel.writeInbound(utf8("12345678\r\n"));
        assertThat(readAll(channel)).containsExactly("12345678");
        channel.finish();
    }

    @Test
    void decode_oversizedLine_reportsOnceAndResumesAfterItsEnd() {
        EmbeddedChannel channel = channel(8);
        channel.writeInbound(utf8("123456789\nok\n"));
        assertThat(readAll(channel)).containsExactly(LineProblem.TOO_LONG, "ok");
        channel.finish();
    }

    @Test
    void decode_oversizedLineArrivingInPieces_reportsOnceAndDiscardsUntilItsEnd() {
        EmbeddedChannel channel = channel(8);
        channel.writeInbound(utf8("1234567890"));
        channel.writeInbound(utf8("abcdefghijkl"));
        channel.writeInbound(utf8("xyz\nnext\n"));
        assertThat(readAll(channel)).containsExactly(LineProblem.TOO_LONG, "next");
        channel.finish();
    }

    @Test
    void oversizedLine_fromAClientThatSendsNoNewlines_endsWhenTheClientGoesIdle() {
        EmbeddedChannel channel = channel(8);
        channel.writeInbound(utf8("far too long for the limit"));
        assertThat(readAll(channel)).containsExactly(LineProblem.TOO_LONG);
        channel.advanceTimeBy(300, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        channel.writeInbound(utf8("short"));
        channel.advanceTimeBy(300, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(readAll(channel)).containsExactly("short");
        channel.finish();
    }

    @Test
    void decode_invalidUtf8_reportsAndCarriesOn() {
        EmbeddedChannel channel = channel(64);
        ByteBuf wire = Unpooled.buffer();
        wire.writeBytes(new byte[] {'a', (byte) 0xc3, (byte) 0x28, '\n'});
        wire.writeBytes(new byte[] {(byte) 0xff, (byte) 0xf4, '\n'});
        wire.writeBytes("fine\n".getBytes(StandardCharsets.UTF_8));
        channel.writeInbound(wire);
        assertThat(readAll(channel)).containsExactly(LineProblem.INVALID_UTF8, LineProblem.INVALID_UTF8, "fine");
        channel.finish();
    }

    @Test
    void decode_controlCharacters_reportsAndCarriesOn() {
        EmbeddedChannel channel = channel(64);
        channel.writeInbound(utf8("evil \u001b[2J\nbell\u0007\ntab\tis fine\n"));
        assertThat(readAll(channel))
                .containsExactly(LineProblem.CONTROL_CHARACTER, LineProblem.CONTROL_CHARACTER, "tab\tis fine");
        channel.finish();
    }

    @Test
    void decode_garbage_neverEmitsInvalidText() {
        byte[] garbage = new byte[256];
        for (int i = 0; i < garbage.length; i++) {
            garbage[i] = (byte) (i * 37);
        }
        EmbeddedChannel channel = channel(1024);
        channel.writeInbound(Unpooled.wrappedBuffer(garbage));
        channel.writeInbound(utf8("\n"));
        for (Object out : readAll(channel)) {
            assertThat(out).isInstanceOf(LineProblem.class);
        }
        channel.finish();
    }

    @Test
    void partialLine_idleForLineFlush_isTakenAsComplete() {
        EmbeddedChannel channel = channel(64);
        channel.writeInbound(utf8("typed without newline"));
        assertThat(readAll(channel)).isEmpty();
        channel.advanceTimeBy(299, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(readAll(channel)).isEmpty();
        channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(readAll(channel)).containsExactly("typed without newline");
        channel.writeInbound(utf8("and the next\n"));
        assertThat(readAll(channel)).containsExactly("and the next");
        channel.finish();
    }

    @Test
    void partialLine_moreBytesArrive_restartsTheWait() {
        EmbeddedChannel channel = channel(64);
        channel.writeInbound(utf8("slow "));
        channel.advanceTimeBy(200, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        channel.writeInbound(utf8("typist"));
        channel.advanceTimeBy(200, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(readAll(channel)).isEmpty();
        channel.advanceTimeBy(100, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(readAll(channel)).containsExactly("slow typist");
        channel.finish();
    }

    @Test
    void partialLine_atEndOfStream_isEmitted() {
        EmbeddedChannel channel = channel(64);
        channel.writeInbound(utf8("last words"));
        channel.finish();
        assertThat(readAll(channel)).containsExactly("last words");
    }

    @Test
    void partialLine_withFlushDisabled_waitsForTheLineEnd() {
        EmbeddedChannel channel = new EmbeddedChannel(new LineDecoder(64, Duration.ZERO));
        channel.writeInbound(utf8("no flush"));
        channel.advanceTimeBy(10, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(readAll(channel)).isEmpty();
        channel.writeInbound(utf8("\n"));
        assertThat(readAll(channel)).containsExactly("no flush");
        channel.finish();
    }

    private static ByteBuf utf8(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    }

    private static List<Object> readAll(EmbeddedChannel channel) {
        List<Object> out = new ArrayList<>();
        for (Object msg; (msg = channel.readInbound()) != null; ) {
            out.add(msg);
        }
        return out;
    }
}
