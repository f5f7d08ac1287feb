package dev.fanout.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EncodingTest {

    private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;

    private String encode(Encoding encoding, ByteBuf payload) {
        Message message = TestMessages.message("lobby", 1, payload, 0, new Origin(3, "alice"), alloc);
        try {
            return message.encoded(encoding).toString(StandardCharsets.ISO_8859_1);
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
        Message message = TestMessages.message("lobby", 1, ByteBufUtil.writeUtf8(alloc, "grüße ✓"), 0,
                new Origin(3, "alice"), alloc);
        try {
            assertThat(message.encoded(Encoding.LINE).toString(StandardCharsets.UTF_8))
                    .isEqualTo("alice: grüße ✓\r\n");
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
