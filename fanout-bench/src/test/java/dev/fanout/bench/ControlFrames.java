package dev.fanout.bench;

import dev.fanout.protocol.control.ControlCodec;
import dev.fanout.protocol.control.ControlFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/** Wire bytes of fanout's frames protocol for tests of {@link FanoutControlWire}: control frames and raw frames. */
final class ControlFrames {

    /** The topic of {@link #msg}'s messages. */
    static final String TOPIC = "bench";
    /** The epoch of {@link #msg}'s messages. */
    static final long EPOCH = 3;

    private ControlFrames() {
    }

    /** The whole wire frame, length prefix included; releases the frame's payload, if it has one. */
    static byte[] wire(ControlFrame frame) {
        ByteBuf wire = ControlCodec.encode(ByteBufAllocator.DEFAULT, frame);
        try {
            return ByteBufUtil.getBytes(wire);
        } finally {
            wire.release();
            frame.release();
        }
    }

    /** A MSG of subscription {@code id} in topic {@link #TOPIC}, whose payload is {@code payload}'s characters. */
    static byte[] msg(int id, long sequence, String payload) {
        ByteBuf out = Unpooled.buffer();
        ControlCodec.writeMsg(out, id, EPOCH, sequence, 1_700_000_000_000L, TOPIC.getBytes(StandardCharsets.US_ASCII),
                Unpooled.wrappedBuffer(payload.getBytes(StandardCharsets.ISO_8859_1)));
        return drain(out);
    }

    /** A frame of raw mode: the 4-byte length, then {@code payload}. */
    static byte[] raw(byte[] payload) {
        return drain(Unpooled.buffer().writeInt(payload.length).writeBytes(payload));
    }

    static byte[] concat(byte[]... parts) {
        ByteBuf all = Unpooled.buffer();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        return drain(all);
    }

    /** The buffer's readable bytes; releases it. */
    private static byte[] drain(ByteBuf buf) {
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    /** Lower-case hex digits, a space between bytes. */
    static String hex(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        for (byte b : bytes) {
            out.append(out.length() == 0 ? "" : " ").append(String.format("%02x", b & 0xFF));
        }
        return out.toString();
    }
}
