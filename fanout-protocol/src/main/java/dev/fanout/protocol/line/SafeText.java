package dev.fanout.protocol.line;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Renders any payload as one line of text that is safe to show on a terminal: valid UTF-8 is shown with its
 * control characters escaped ({@code \n}, {@code \r}, {@code \x1b}); anything else is shown as
 * {@code [binary, N bytes: 00 ff ...]} with at most {@value #HEX_PREVIEW_BYTES} bytes in hex.
 */
public final class SafeText {

    /** Bytes of a binary payload shown in hex before the rest is elided. */
    public static final int HEX_PREVIEW_BYTES = 32;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

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
        return escapeControls(text);
    }

    /** Renders {@code payload} as {@link #render(ByteBuffer)} does. */
    public static String render(byte[] payload) {
        return render(ByteBuffer.wrap(payload));
    }

    private static String escapeControls(CharSequence text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = (c < 0x20 && c != '\t') || (c >= 0x7f && c <= 0x9f);
            if (!control) {
                if (out != null) {
                    out.append(c);
                }
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else {
                out.append("\\x").append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
            }
        }
        return out == null ? text.toString() : out.toString();
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
