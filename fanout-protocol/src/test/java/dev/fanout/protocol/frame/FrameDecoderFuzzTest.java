package dev.fanout.protocol.frame;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;

/**
 * Any bytes, in any pieces, into the frame decoder: frames come out, or the frame is too long; nothing else is
 * thrown, and nothing leaks (the tests' leak check). Run with JAZZER_FUZZ=1 (./fuzz) to search; without, the kept
 * inputs in FrameDecoderFuzzTestInputs run as regression tests.
 */
class FrameDecoderFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void anyBytesInAnyPieces_decodeToFramesOrATooLongFrame(FuzzedDataProvider data) {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(1024));
        try {
            while (data.remainingBytes() > 0) {
                byte[] piece = data.consumeBytes(data.consumeInt(1, 64));
                channel.writeInbound(Unpooled.wrappedBuffer(piece));
                for (ByteBuf frame; (frame = channel.readInbound()) != null; ) {
                    frame.release();
                }
            }
        } catch (DecoderException e) {
            if (!(e instanceof TooLongFrameException) && !(e.getCause() instanceof TooLongFrameException)) {
                throw e;
            }
        } finally {
            channel.finishAndReleaseAll();
        }
    }
}
