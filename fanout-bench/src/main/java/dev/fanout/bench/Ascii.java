package dev.fanout.bench;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;

/**
 * In-place reading and writing of the ASCII control lines of the text protocols (NATS, RESP): finding a line's
 * end, reading and writing a decimal number, matching a keyword. Nothing here allocates except the texts of
 * exceptions.
 */
final class Ascii {

    static final byte CR = '\r';
    static final byte LF = '\n';

    /** Digits beyond this make a number "too large" whatever the caller's limit; a long cannot overflow. */
    private static final int MAX_DIGITS = 18;
    /** How much of a bad line an error message quotes. */
    private static final int EXCERPT = 80;

    private Ascii() {
    }

    /**
     * Finds the end of the line starting at {@code from}: returns the index of its CR, or -1 while the line is
     * incomplete. A line is at most {@code maxLine} bytes before its CR LF.
     *
     * @throws TooLongFrameException if no line end is within {@code maxLine} bytes
     * @throws CorruptedFrameException if the LF is not preceded by a CR
     */
    static int lineEnd(ByteBuf in, int from, int maxLine, String what) {
        int readable = in.writerIndex() - from;
        int window = (int) Math.min(readable, maxLine + 2L);
        int lf = in.indexOf(from, from + window, LF);
        if (lf < 0) {
            if (readable >= maxLine + 2L) {
                throw new TooLongFrameException(what + " longer than " + maxLine + " bytes: "
                        + excerpt(in, from, from + window));
            }
            return -1;
        }
        if (lf == from || in.getByte(lf - 1) != CR) {
            throw new CorruptedFrameException(what + " ends with a bare LF: " + excerpt(in, from, lf));
        }
        return lf - 1;
    }

    /** Whether the two bytes at {@code index} are CR LF, as after a payload. */
    static boolean isCrlf(ByteBuf in, int index) {
        return in.getByte(index) == CR && in.getByte(index + 1) == LF;
    }

    /**
     * The non-negative decimal number in {@code [from, to)}: -1 if that is empty or holds anything but digits,
     * {@link Long#MAX_VALUE} if it has more than 18 digits.
     */
    static long parseDecimal(ByteBuf in, int from, int to) {
        if (from >= to) {
            return -1;
        }
        if (to - from > MAX_DIGITS) {
            for (int i = from; i < to; i++) {
                if (!isDigit(in.getByte(i))) {
                    return -1;
                }
            }
            return Long.MAX_VALUE;
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            byte b = in.getByte(i);
            if (!isDigit(b)) {
                return -1;
            }
            value = value * 10 + (b - '0');
        }
        return value;
    }

    /** Writes {@code value} (non-negative) in decimal. */
    static void writeDecimal(ByteBuf out, int value) {
        int digits = decimalDigits(value);
        int at = out.writerIndex() + digits;
        out.ensureWritable(digits);
        for (int v = value, i = at - 1; i >= at - digits; i--, v /= 10) {
            out.setByte(i, '0' + v % 10);
        }
        out.writerIndex(at);
    }

    /** How many bytes {@link #writeDecimal} writes for {@code value}. */
    static int decimalDigits(int value) {
        if (value < 0) {
            throw new IllegalArgumentException("negative: " + value);
        }
        int digits = 1;
        for (int v = value; v >= 10; v /= 10) {
            digits++;
        }
        return digits;
    }

    /** Whether {@code [from, to)} is exactly {@code word} (upper case), compared ignoring ASCII case. */
    static boolean isWordIgnoreCase(ByteBuf in, int from, int to, byte[] word) {
        if (to - from != word.length) {
            return false;
        }
        for (int i = 0; i < word.length; i++) {
            byte b = in.getByte(from + i);
            if (b >= 'a' && b <= 'z') {
                b -= 'a' - 'A';
            }
            if (b != word[i]) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code [from, to)} is exactly {@code word}. */
    static boolean isWord(ByteBuf in, int from, int to, byte[] word) {
        if (to - from != word.length) {
            return false;
        }
        for (int i = 0; i < word.length; i++) {
            if (in.getByte(from + i) != word[i]) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code word} occurs anywhere in {@code [from, to)}. */
    static boolean contains(ByteBuf in, int from, int to, byte[] word) {
        for (int at = from; at <= to - word.length; at++) {
            if (isWord(in, at, at + word.length, word)) {
                return true;
            }
        }
        return false;
    }

    static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    /** A space or a tab: what separates the arguments of a control line. */
    static boolean isBlank(byte b) {
        return b == ' ' || b == '\t';
    }

    /** {@code [from, to)} as printable text for an error message: quoted, shortened, other bytes escaped. */
    static String excerpt(ByteBuf in, int from, int to) {
        StringBuilder text = new StringBuilder("\"");
        int end = Math.min(to, from + EXCERPT);
        for (int i = from; i < end; i++) {
            int b = in.getByte(i) & 0xFF;
            if (b >= 0x20 && b < 0x7F && b != '"' && b != '\\') {
                text.append((char) b);
            } else {
                text.append(String.format("\\x%02x", b));
            }
        }
        text.append('"');
        if (end < to) {
            text.append("...");
        }
        return text.toString();
    }
}
