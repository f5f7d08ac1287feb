package dev.fanout.protocol.line;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SafeTextTest {

    @Test
    void render_plainText_isUnchanged() {
        assertThat(SafeText.render("héllo\tworld".getBytes(StandardCharsets.UTF_8))).isEqualTo("héllo\tworld");
    }

    @Test
    void render_controlCharacters_areEscaped() {
        assertThat(SafeText.render("a\nb\r\u001b[2J".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("a\\nb\\r\\x1b[2J");
    }

    @Test
    void render_invalidUtf8_isShownAsHex() {
        assertThat(SafeText.render(new byte[] {0, (byte) 0xff, 0x10})).isEqualTo("[binary, 3 bytes: 00 ff 10]");
    }

    @Test
    void render_longBinary_showsAPreviewOnly() {
        byte[] payload = new byte[1000];
        payload[0] = (byte) 0xfe;
        String shown = SafeText.render(payload);
        assertThat(shown).startsWith("[binary, 1000 bytes: fe 00").endsWith(" ...]");
        assertThat(shown).hasSizeLessThan(200);
    }
}
