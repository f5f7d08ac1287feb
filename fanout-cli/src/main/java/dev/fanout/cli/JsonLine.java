package dev.fanout.cli;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * One JSON object on one line, written field by field: what {@code fanout sub --json} prints. Strings are
 * escaped as RFC 8259 requires (quote, backslash, control characters), so any output line parses. Not
 * thread-safe; one per line.
 */
final class JsonLine {

    private final StringBuilder out = new StringBuilder("{");

    /** Adds a string field. */
    JsonLine field(String name, String value) {
        key(name);
        string(value);
        return this;
    }

    /** Adds a number field. */
    JsonLine field(String name, long value) {
        key(name);
        out.append(value);
        return this;
    }

    /**
     * Adds {@code payload} as {@code "payload"}: as text when it is valid UTF-8, otherwise in base64 with
     * {@code "encoding":"base64"}.
     */
    JsonLine payload(byte[] payload) {
        String text = utf8(payload);
        if (text != null) {
            return field("payload", text);
        }
        return field("payload", Base64.getEncoder().encodeToString(payload)).field("encoding", "base64");
    }

    @Override
    public String toString() {
        return out + "}";
    }

    private void key(String name) {
        if (out.length() > 1) {
            out.append(',');
        }
        string(name);
        out.append(':');
    }

    private void string(String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** The payload as text if it is valid UTF-8, else null. */
    private static String utf8(byte[] payload) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(payload)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
