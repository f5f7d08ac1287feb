package dev.fanout.protocol.control;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;

/**
 * Any frame body into the control decoder: a frame comes out, or a ControlProtocolException saying what is wrong;
 * no other exception (an index out of bounds, a negative size) and no leak. ./fuzz searches; the kept inputs in
 * ControlCodecFuzzTestInputs run with the tests.
 */
class ControlCodecFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void anyBody_decodesOrFailsWithAControlProtocolException(byte[] body) {
        try {
            ControlCodec.decode(Unpooled.wrappedBuffer(body)).release();
        } catch (ControlProtocolException e) {
            // What bad input must get: a code and a message.
            if (e.code() == null || e.getMessage() == null) {
                throw new AssertionError("a refusal without a code or a message", e);
            }
        }
    }
}
