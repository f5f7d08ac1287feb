package dev.fanout.server.websocket;

import io.netty.buffer.ByteBuf;

/**
 * The header of a WebSocket frame as a server writes it (RFC 6455, section 5.2): final, unmasked, the length in
 * 1, 3 or 9 bytes. The server writes its text frames whole, header and all, so that a message's frame is made
 * once and shared by every subscriber, as a frames client's MSG frame is.
 */
final class WebSocketFrames {

    static final int OPCODE_TEXT = 0x1;
    static final int OPCODE_CLOSE = 0x8;
    static final int OPCODE_PONG = 0xA;

    private WebSocketFrames() {
    }

    /** Bytes of the header of a frame with {@code payloadLength} bytes of payload. */
    static int headerSize(long payloadLength) {
        return payloadLength < 126 ? 2 : payloadLength < 65_536 ? 4 : 10;
    }

    /** Writes the header of a final, unmasked frame. */
    static void writeHeader(ByteBuf out, int opcode, long payloadLength) {
        out.writeByte(0x80 | opcode);
        if (payloadLength < 126) {
            out.writeByte((int) payloadLength);
        } else if (payloadLength < 65_536) {
            out.writeByte(126);
            out.writeShort((int) payloadLength);
        } else {
            out.writeByte(127);
            out.writeLong(payloadLength);
        }
    }
}
