package dev.fanout.protocol.line;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
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

    /** Regression: U+202E, U+2028, U+200B and U+FEFF reached other people's terminals as they were. */
    @Test
    void render_bidiAndInvisibleCharacters_areEscaped() {
        String sent = "abc\u202edef\u2028x\u200by\ufeffz";

        assertThat(SafeText.render(sent.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("abc\\u202edef\\u2028x\\u200by\\ufeffz");
    }

    @Test
    void escape_everyBidiZeroWidthAndSeparatorCharacter_isEscaped() {
        int[] unsafe = {0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f,
            0x061c, 0x2028, 0x2029, 0x200b, 0x200c, 0x200d, 0x2060, 0xfeff, 0x00ad};
        for (int c : unsafe) {
            assertThat(SafeText.escape("a" + Character.toString(c) + "b"))
                    .isEqualTo(String.format("a\\u%04xb", c));
        }
        assertThat(unsafe).hasSize(20);
    }

    @Test
    void escape_formatCharacterAboveTheBmp_usesEightDigits() {
        String tagA = Character.toString(0xe0041);

        assertThat(SafeText.escape("hi" + tagA)).isEqualTo("hi\\U000e0041");
    }

    @Test
    void escape_loneSurrogate_isEscaped() {
        assertThat(SafeText.escape("a\ud83db")).isEqualTo("a\\ud83db");
    }

    @Test
    void escape_controlsAsBefore() {
        assertThat(SafeText.escape("a\nb\r\u001b\u007f\u0085\tc")).isEqualTo("a\\nb\\r\\x1b\\x7f\\x85\tc");
    }

    @Test
    void escape_ordinaryTextOfManyScripts_isUnchanged() {
        for (String text : List.of("héllo wörld", "日本語のテキスト", "שלום עולם", "مرحبا بالعالم", "Ελληνικά",
                "e\u0301 combining", "emoji \ud83d\ude00 \u2764\ufe0f", "tab\tkept", "")) {
            assertThat(SafeText.escape(text)).isSameAs(text);
        }
    }

    @Test
    void escape_zeroWidthJoinerBetweenEmoji_isKept() {
        String womanTechnologist = "\ud83d\udc69\u200d\ud83d\udcbb";
        String rainbowFlag = "\ud83c\udff3\ufe0f\u200d\ud83c\udf08";
        String toned = "\ud83d\udc69\ud83c\udffd\u200d\ud83d\udcbb";
        for (String emoji : List.of(womanTechnologist, rainbowFlag, toned)) {
            assertThat(SafeText.escape("look " + emoji + "!")).isEqualTo("look " + emoji + "!");
        }
    }

    @Test
    void escape_zeroWidthJoinerOutsideEmoji_isEscaped() {
        assertThat(SafeText.escape("pay\u200dpal")).isEqualTo("pay\\u200dpal");
        assertThat(SafeText.escape("\u200d\ud83d\udcbb")).isEqualTo("\\u200d\ud83d\udcbb");
        assertThat(SafeText.escape("\ud83d\udc69\u200d")).isEqualTo("\ud83d\udc69\\u200d");
    }
}
