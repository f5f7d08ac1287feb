package dev.fanout.protocol.line;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;

/**
 * Any bytes, in any pieces, through the telnet and line decoders as a lines connection has them: lines, line
 * problems and telnet signals come out, never an exception, never a line longer than the limit or one with a
 * control character. ./fuzz searches; the kept inputs in LineDecoderFuzzTestInputs run with the tests.
 */
class LineDecoderFuzzTest {

    private static final int MAX_LINE = 64;

    @FuzzTest(maxDuration = "10s")
    void anyBytesInAnyPieces_becomeSafeLinesOrProblems(FuzzedDataProvider data) {
        EmbeddedChannel channel = new EmbeddedChannel(new TelnetDecoder(), new LineDecoder(MAX_LINE, Duration.ZERO));
        try {
            while (data.remainingBytes() > 0) {
                channel.writeInbound(Unpooled.wrappedBuffer(data.consumeBytes(data.consumeInt(1, 32))));
                for (Object out; (out = channel.readInbound()) != null; ) {
                    check(out);
                    ReferenceCountUtil.release(out);
                }
            }
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    private static void check(Object out) {
        if (out instanceof String line) {
            if (line.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_LINE) {
                throw new AssertionError("a line over the limit came out: " + line.length() + " characters");
            }
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (c < 0x20 && c != '\t' || c == 0x7f) {
                    throw new AssertionError("a control character came out in a line: " + (int) c);
                }
            }
        } else if (!(out instanceof LineProblem) && !(out instanceof TelnetSignal)) {
            throw new AssertionError("unexpected output " + out.getClass());
        }
    }
}
