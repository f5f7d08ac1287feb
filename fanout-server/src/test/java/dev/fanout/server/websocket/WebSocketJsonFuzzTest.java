package dev.fanout.server.websocket;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.fanout.protocol.control.ControlCodec;
import dev.fanout.protocol.control.ControlFrame;
import dev.fanout.protocol.control.ControlProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Any text as a WebSocket client's message: it reads as a frame a client may send, which encodes as a control frame
 * (as the server hands it on), or is refused with a {@link ControlProtocolException} and its code; nothing else is
 * thrown. ./fuzz searches; the kept inputs in WebSocketJsonFuzzTestInputs run with the tests.
 */
class WebSocketJsonFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void anyMessage_readsAsAClientFrameOrIsRefusedWithACode(String text) {
        if (text == null) {
            // Jazzer offers null for a String; a WebSocket text message is never null.
            return;
        }
        ControlFrame frame;
        try {
            frame = WebSocketJson.read(text);
        } catch (ControlProtocolException e) {
            if (e.code() == null || e.getMessage() == null) {
                throw new AssertionError("a refusal without a code or words", e);
            }
            return;
        }
        if (!frame.type().fromClient()) {
            throw new AssertionError("read a frame a client does not send: " + frame.type());
        }
        ByteBuf encoded = ControlCodec.encode(ByteBufAllocator.DEFAULT, frame);
        try {
            encoded.skipBytes(4);
            ControlCodec.decode(encoded).release();
        } finally {
            encoded.release();
            frame.release();
        }
    }
}
