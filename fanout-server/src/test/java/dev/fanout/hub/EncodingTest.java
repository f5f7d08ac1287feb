package dev.fanout.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EncodingTest {

    private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;

    private String encode(Encoding encoding, ByteBuf payload) {
        return written(encoding, payload).toString(StandardCharsets.ISO_8859_1);
    }

    /** What {@code encoding} writes for a message of {@code payload} from alice to lobby, checked against size. */
    private ByteBuf written(Encoding encoding, ByteBuf payload) {
        Message message = TestMessages.message("lobby", 1, payload, 0, new Origin(3, "alice"));
        try {
            ByteBuf out = Unpooled.buffer();
            encoding.writeTo(message, out);
            assertThat(out.readableBytes()).as("size of " + encoding).isEqualTo(encoding.size(message));
            return out;
        } finally {
            message.release();
        }
    }

    @Test
    void line_rendersNameColonTextAndCrLf() {
        assertThat(encode(Encoding.LINE, ByteBufUtil.writeUtf8(alloc, "hello there")))
                .isEqualTo("alice: hello there\r\n");
    }

    @Test
    void line_keepsUtf8Text() {
        assertThat(written(Encoding.LINE, ByteBufUtil.writeUtf8(alloc, "grüße ✓")).toString(StandardCharsets.UTF_8))
                .isEqualTo("alice: grüße ✓\r\n");
    }

    @Test
    void lineWithTopic_namesTheTopicFirst() {
        assertThat(encode(Encoding.LINE_WITH_TOPIC, ByteBufUtil.writeUtf8(alloc, "hi")))
                .isEqualTo("[lobby] alice: hi\r\n");
    }

    @Test
    void writing_leavesThePayloadUnread() {
        Message message = TestMessages.message("lobby", 1, ByteBufUtil.writeUtf8(alloc, "hello"), 0,
                new Origin(3, "alice"));
        try {
            for (Encoding encoding : Encoding.values()) {
                encoding.writeTo(message, Unpooled.buffer());
            }
            assertThat(message.payload().toString(StandardCharsets.UTF_8)).isEqualTo("hello");
        } finally {
            message.release();
        }
    }

    @Test
    void line_escapesControlCharacters() {
        assertThat(encode(Encoding.LINE, ByteBufUtil.writeUtf8(alloc, "one\ntwo\u001b[2J")))
                .isEqualTo("alice: one\\ntwo\\x1b[2J\r\n");
    }

    @Test
    void line_showsBinaryInItsSafeForm() {
        ByteBuf binary = alloc.buffer().writeBytes(new byte[] {0x00, (byte) 0xff, 0x01});

        assertThat(encode(Encoding.LINE, binary)).isEqualTo("alice: [binary, 3 bytes: 00 ff 01]\r\n");
    }

    @Test
    void frame_isTheLengthThenExactlyThePayload() {
        ByteBuf binary = alloc.buffer().writeBytes(new byte[] {0x00, (byte) 0xff, '\n'});

        assertThat(encode(Encoding.FRAME, binary)).isEqualTo("\0\0\0\3\0\u00ff\n");
    }

    @Test
    void frame_ofAnEmptyPayload_isFourZeroBytes() {
        assertThat(encode(Encoding.FRAME, alloc.buffer(0))).isEqualTo("\0\0\0\0");
    }
}
