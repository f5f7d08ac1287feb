package dev.fanout.protocol.line;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Renders any payload as one line of text that is safe to show on a terminal: valid UTF-8 is shown with the
 * characters that could break the line, drive the terminal, or hide or reorder text escaped (see
 * {@link #escape}); anything else is shown as {@code [binary, N bytes: 00 ff ...]} with at most
 * {@value #HEX_PREVIEW_BYTES} bytes in hex. Stateless and thread-safe.
 */
public final class SafeText {

    /** Bytes of a binary payload shown in hex before the rest is elided. */
    public static final int HEX_PREVIEW_BYTES = 32;

    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final int ZERO_WIDTH_JOINER = 0x200d;
    private static final int EMOJI_PRESENTATION = 0xfe0f;

    private SafeText() {
    }

    /** Renders {@code payload} as described in the class comment; never returns a string with a line end. */
    public static String render(ByteBuffer payload) {
        CharBuffer text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(payload.duplicate());
        } catch (CharacterCodingException e) {
            return binary(payload);
        }
        return escape(text);
    }

    /** Renders {@code payload} as {@link #render(ByteBuffer)} does. */
    public static String render(byte[] payload) {
        return render(ByteBuffer.wrap(payload));
    }

    /**
     * Returns {@code text} with every character escaped that could mislead a reader, so that what one client
     * sends cannot change how the rest of another's screen reads:
     * <ul>
     *   <li>control characters (U+0000 to U+001F but tab, U+007F to U+009F): LF as {@code \n}, CR as
     *       {@code \r}, the others as {@code \xNN}, e.g. ESC as {@code \x1b};</li>
     *   <li>format characters (Unicode category Cf: the bidirectional controls U+202A to U+202E, U+2066 to
     *       U+2069, U+200E, U+200F and U+061C, the zero-width U+200B to U+200D and U+2060, U+FEFF, tag
     *       characters, ...), the separators U+2028 and U+2029 (Zl, Zp), and lone surrogates: as
     *       <code>&#92;uXXXX</code>, or <code>&#92;UXXXXXXXX</code> above U+FFFF, in lower-case hex, e.g.
     *       <code>&#92;u202e</code>.</li>
     * </ul>
     * One exception: a zero-width joiner (U+200D) between two emoji is kept, as it only joins them into one
     * (a family, a profession, a flag), and escaping it would spoil ordinary messages sent from phones.
     */
    public static String escape(CharSequence text) {
        StringBuilder out = null;
        int i = 0;
        while (i < text.length()) {
            int c = Character.codePointAt(text, i);
            int next = i + Character.charCount(c);
            if (!mustEscape(c) || (c == ZERO_WIDTH_JOINER && joinsEmoji(text, i, next))) {
                if (out != null) {
                    out.append(text, i, next);
                }
            } else {
                if (out == null) {
                    out = new StringBuilder(text.length() + 16).append(text, 0, i);
                }
                appendEscaped(out, c);
            }
            i = next;
        }
        return out == null ? text.toString() : out.toString();
    }

    private static boolean mustEscape(int c) {
        if (c < 0x7f) {
            return c < 0x20 && c != '\t';
        }
        if (c <= 0x9f) {
            return true;
        }
        int type = Character.getType(c);
        return type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE;
    }

    /** True if the joiner between {@code at} and {@code next} follows an emoji and precedes one. */
    private static boolean joinsEmoji(CharSequence text, int at, int next) {
        if (at == 0 || next >= text.length()) {
            return false;
        }
        int before = Character.codePointBefore(text, at);
        int beforeType = Character.getType(before);
        // An emoji, a skin tone (a modifier symbol), or the emoji presentation selector after an emoji.
        boolean afterEmoji = beforeType == Character.OTHER_SYMBOL || beforeType == Character.MODIFIER_SYMBOL
                || before == EMOJI_PRESENTATION;
        return afterEmoji && Character.getType(Character.codePointAt(text, next)) == Character.OTHER_SYMBOL;
    }

    private static void appendEscaped(StringBuilder out, int c) {
        if (c == '\n') {
            out.append("\\n");
        } else if (c == '\r') {
            out.append("\\r");
        } else if (c <= 0x9f) {
            out.append("\\x").append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
        } else {
            int digits = c > 0xffff ? 8 : 4;
            out.append(digits == 8 ? "\\U" : "\\u");
            for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
                out.append(HEX[(c >> shift) & 0xf]);
            }
        }
    }

    private static String binary(ByteBuffer payload) {
        int length = payload.remaining();
        int shown = Math.min(length, HEX_PREVIEW_BYTES);
        StringBuilder out = new StringBuilder(32 + shown * 3);
        out.append("[binary, ").append(length).append(" bytes:");
        for (int i = 0; i < shown; i++) {
            int b = payload.get(payload.position() + i) & 0xff;
            out.append(' ').append(HEX[b >> 4]).append(HEX[b & 0xf]);
        }
        if (shown < length) {
            out.append(" ...");
        }
        return out.append(']').toString();
    }
}
