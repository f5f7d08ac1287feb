package dev.fanout.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Buffers as text and back for codec tests: ISO-8859-1, one character per byte, so any bytes round-trip. */
final class Buffers {

    private Buffers() {
    }

    /** The text's bytes, one per character, in an unpooled buffer. */
    static ByteBuf latin1(String text) {
        return Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** The buffer's readable bytes as text; releases it. */
    static String text(ByteBuf buf) {
        try {
            return buf.toString(StandardCharsets.ISO_8859_1);
        } finally {
            buf.release();
        }
    }

    /** The buffer's readable bytes; releases it. */
    static byte[] bytes(ByteBuf buf) {
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    /** What the channel's handlers wrote, each write as text; releases it all. */
    static List<String> outbound(EmbeddedChannel channel) {
        List<String> written = new ArrayList<>();
        for (ByteBuf buf; (buf = channel.readOutbound()) != null; ) {
            written.add(text(buf));
        }
        return written;
    }
}
