package dev.fanout.protocol.line;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TelnetDecoderTest {

    private static final int IAC = 0xff;
    private static final int SE = 0xf0;
    private static final int NOP = 0xf1;
    private static final int AYT = 0xf6;
    private static final int IP = 0xf4;
    private static final int SB = 0xfa;
    private static final int WILL = 0xfb;
    private static final int WONT = 0xfc;
    private static final int DO = 0xfd;
    private static final int DONT = 0xfe;
    private static final int ECHO = 1;
    private static final int SGA = 3;
    private static final int STATUS = 5;
    private static final int TIMING_MARK = 6;
    private static final int TTYPE = 24;
    private static final int NAWS = 31;

    /** What telnet sends when the user presses Ctrl-C: IAC IP, IAC DO TIMING-MARK. */
    private static final byte[] CTRL_C = bytes(IAC, IP, IAC, DO, TIMING_MARK);

    /** Several sequences of every kind between text, as a telnet client (or worse) might send them. */
    private static final byte[] MIXED = concat(
            ascii("hello "), bytes(IAC, WILL, NAWS), ascii("world\r\n"),
            bytes(IAC, SB, TTYPE, 0), ascii("xterm"), bytes(IAC, IAC), ascii("y"), bytes(IAC, SE),
            ascii("a"), bytes(IAC, IAC), ascii("b\r\n"),
            bytes(IAC, DO, ECHO, IAC, DONT, SGA, IAC, WONT, STATUS, IAC, NOP, IAC, AYT),
            CTRL_C, ascii("after\r\n"));

    /** MIXED's text with the commands taken out: the literal 255 stays, as Latin-1 shows it. */
    private static final List<Object> MIXED_READ = List.of("hello world\r\na\u00ffb\r\n", TelnetSignal.ARE_YOU_THERE,
            TelnetSignal.INTERRUPT, "after\r\n");

    /** MIXED's answers: WILL NAWS refused, DO ECHO refused, DO TIMING-MARK agreed; DONT and WONT unanswered. */
    private static final byte[] MIXED_ANSWERS = bytes(IAC, DONT, NAWS, IAC, WONT, ECHO, IAC, WILL, TIMING_MARK);

    @Test
    void text_withoutTelnet_passesThroughAsTheSameBuffer() {
        EmbeddedChannel channel = new EmbeddedChannel(new TelnetDecoder());
        ByteBuf text = Unpooled.copiedBuffer("héllo\r\n", StandardCharsets.UTF_8);

        channel.writeInbound(text);

        ByteBuf read = channel.readInbound();
        assertThat(read).isSameAs(text);
        read.release();
        assertThat(channel.outboundMessages()).isEmpty();
        assertThat(channel.finish()).isFalse();
    }

    /** Regression: the server never answered Ctrl-C, and telnet showed nothing more while it waited. */
    @Test
    void ctrlC_answersTheTimingMarkAndPassesOnTheInterrupt() {
        EmbeddedChannel channel = new EmbeddedChannel(new TelnetDecoder());

        channel.writeInbound(Unpooled.wrappedBuffer(CTRL_C));

        assertThat(readAll(channel)).containsExactly(TelnetSignal.INTERRUPT);
        assertThat(answers(channel)).containsExactly(IAC, WILL, TIMING_MARK);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void ctrlC_theTimingMarkAnswerGoesOutBeforeWhatTheInterruptMakesTheSessionSay() {
        EmbeddedChannel channel = new EmbeddedChannel(new TelnetDecoder(), new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg == TelnetSignal.INTERRUPT) {
                    ctx.writeAndFlush(Unpooled.copiedBuffer("goodbye\r\n", StandardCharsets.US_ASCII));
                }
                ReferenceCountUtil.release(msg);
            }
        });

        channel.writeInbound(Unpooled.wrappedBuffer(concat(ascii("/who\r\n"), CTRL_C)));

        assertThat(answers(channel)).containsExactly(concat(bytes(IAC, WILL, TIMING_MARK), ascii("goodbye\r\n")));
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void mixedSequencesInOneBuffer_areStrippedAndAnswered() {
        EmbeddedChannel channel = new EmbeddedChannel(new TelnetDecoder());

        channel.writeInbound(Unpooled.wrappedBuffer(MIXED));

        assertThat(readAll(channel)).isEqualTo(MIXED_READ);
        assertThat(answers(channel)).containsExactly(MIXED_ANSWERS);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void mixedSequencesSplitAtEveryByte_giveTheSameTextSignalsAndAnswers() {
        for (int cut = 1; cut < MIXED.length; cut++) {
            EmbeddedChannel channel = new EmbeddedChannel(new TelnetDecoder());

            channel.writeInbound(Unpooled.wrappedBuffer(MIXED, 0, cut));
            channel.writeInbound(Unpooled.wrappedBuffer(MIXED, cut, MIXED.length - cut));

            assertThat(readAll(channel)).as("cut at %d", cut).isEqualTo(MIXED_READ);
            assertThat(answers(channel)).as("cut at %d", cut).containsExactly(MIXED_ANSWERS);
            assertThat(channel.finish()).isFalse();
        }
    }

    @Test
    void mixedSequencesOneByteAtATime_giveTheSameTextSignalsAndAnswers() {
        EmbeddedChannel channel = new EmbeddedChannel(new TelnetDecoder());

        for (byte b : MIXED) {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }

        assertThat(readAll(channel)).isEqualTo(MIXED_READ);
        assertThat(answers(channel)).containsExactly(MIXED_ANSWERS);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void iacFollowedByNoCommand_isPassedOnAsText() {
        EmbeddedChannel channel = new EmbeddedChannel(new TelnetDecoder());

        channel.writeInbound(Unpooled.wrappedBuffer(concat(ascii("a"), bytes(IAC), ascii("b\n"))));

        assertThat(readAll(channel)).containsExactly("a\u00ffb\n");
        assertThat(channel.outboundMessages()).isEmpty();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void subnegotiationLeftWithoutItsEnd_endsAtTheNextCommand() {
        EmbeddedChannel channel = new EmbeddedChannel(new TelnetDecoder());

        channel.writeInbound(Unpooled.wrappedBuffer(concat(bytes(IAC, SB, NAWS, 0, 80, IAC, DO, ECHO),
                ascii("text\n"))));

        assertThat(readAll(channel)).containsExactly("text\n");
        assertThat(answers(channel)).containsExactly(IAC, WONT, ECHO);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void requestsWhileTheClientDoesNotRead_areNotAnswered() {
        EmbeddedChannel channel = new EmbeddedChannel(new TelnetDecoder());
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        assertThat(channel.isWritable()).isFalse();

        channel.writeInbound(Unpooled.wrappedBuffer(concat(bytes(IAC, DO, ECHO, IAC, WILL, NAWS), CTRL_C)));

        assertThat(readAll(channel)).containsExactly(TelnetSignal.INTERRUPT);
        assertThat(channel.outboundMessages()).isEmpty();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void garbage_throughTheLineDecoder_givesOnlyLinesWithoutTelnetBytesOrProblems() {
        Random random = new Random(12);
        for (int run = 0; run < 50; run++) {
            byte[] garbage = new byte[512];
            random.nextBytes(garbage);
            EmbeddedChannel channel = new EmbeddedChannel(new TelnetDecoder(),
                    new LineDecoder(64, Duration.ofMillis(300)));

            for (int at = 0; at < garbage.length; at += 7) {
                channel.writeInbound(Unpooled.wrappedBuffer(garbage, at, Math.min(7, garbage.length - at)));
            }
            channel.writeInbound(Unpooled.wrappedBuffer(ascii("\n")));

            for (Object out; (out = channel.readInbound()) != null; ) {
                assertThat(out).isInstanceOfAny(String.class, LineProblem.class, TelnetSignal.class);
                if (out instanceof String line) {
                    assertThat(line).doesNotContain("\ufffd");
                    assertThat(LineDecoder.hasControlCharacter(line)).isFalse();
                }
            }
            for (Object answer; (answer = channel.readOutbound()) != null; ) {
                ByteBuf bytes = (ByteBuf) answer;
                assertThat(bytes.readableBytes()).isEqualTo(3);
                assertThat(bytes.getUnsignedByte(0)).isEqualTo(IAC);
                bytes.release();
            }
            channel.finishAndReleaseAll();
        }
    }

    /** Reads what the decoder passed on: adjacent text pieces joined, as Latin-1, and signals in between. */
    private static List<Object> readAll(EmbeddedChannel channel) {
        List<Object> out = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (Object msg; (msg = channel.readInbound()) != null; ) {
            if (msg instanceof ByteBuf bytes) {
                text.append(bytes.toString(StandardCharsets.ISO_8859_1));
                bytes.release();
                continue;
            }
            if (text.length() > 0) {
                out.add(text.toString());
                text.setLength(0);
            }
            out.add(msg);
        }
        if (text.length() > 0) {
            out.add(text.toString());
        }
        return out;
    }

    /** Everything the decoder wrote back to the client, as one byte array. */
    private static byte[] answers(EmbeddedChannel channel) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (Object msg; (msg = channel.readOutbound()) != null; ) {
            ByteBuf bytes = (ByteBuf) msg;
            all.writeBytes(ByteBufUtil.getBytes(bytes));
            bytes.release();
        }
        return all.toByteArray();
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
