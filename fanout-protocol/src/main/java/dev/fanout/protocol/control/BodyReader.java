package dev.fanout.protocol.control;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.function.IntFunction;

/**
 * Reads the fields of one frame body after its type byte, checking each against the bytes that are left
 * before reading it, so a hostile length or count can never make it read out of bounds or allocate. Every
 * failure is a {@link ControlProtocolException} whose message names the frame and the field. Leaves the
 * body's indices alone. One instance per frame.
 */
final class BodyReader {

    private static final ByteProcessor ASCII = value -> value >= 0;

    private final ByteBuf body;
    private final String frame;
    private final int end;
    private int index;

    BodyReader(ByteBuf body, FrameType type) {
        this.body = body;
        this.frame = type.name();
        this.index = body.readerIndex() + 1;
        this.end = body.writerIndex();
    }

    int u8(String field) {
        need(field, 1);
        return body.getUnsignedByte(index++);
    }

    int u16(String field) {
        need(field, 2);
        int value = body.getUnsignedShort(index);
        index += 2;
        return value;
    }

    long u32(String field) {
        need(field, 4);
        long value = body.getUnsignedInt(index);
        index += 4;
        return value;
    }

    /** A u64 taken as 64 raw bits: tokens, which may use all of them. */
    long u64(String field) {
        need(field, 8);
        long value = body.getLong(index);
        index += 8;
        return value;
    }

    /** A u64 that must fit a signed long: sequences, epochs, times, sizes. */
    long u63(String field) {
        long value = u64(field);
        if (value < 0) {
            throw malformed(field, "is " + Long.toUnsignedString(value) + ", over the largest allowed "
                    + Long.MAX_VALUE);
        }
        return value;
    }

    /** A u64 id that must be 1 to 2^63-1. */
    long positiveU63(String field) {
        long value = u63(field);
        if (value == 0) {
            throw malformed(field, "is 0: it must be 1 to " + Long.MAX_VALUE);
        }
        return value;
    }

    /** A u32 that must fit a signed int: sizes and durations. */
    int u31(String field) {
        long value = u32(field);
        if (value > Integer.MAX_VALUE) {
            throw malformed(field, "is " + value + ", over the largest allowed " + Integer.MAX_VALUE);
        }
        return (int) value;
    }

    /** A u32 subscription id, 1 to 2^31-1. */
    int id(String field) {
        long value = u32(field);
        if (value < 1 || value > Integer.MAX_VALUE) {
            throw malformed(field, "is " + value + ": an id is 1 to " + Integer.MAX_VALUE);
        }
        return (int) value;
    }

    /** The enum value {@code of} maps {@code code} to, reading a failure as this field's. */
    <T> T lookup(String field, int code, IntFunction<T> of) {
        try {
            return of.apply(code);
        } catch (ControlProtocolException e) {
            throw new ControlProtocolException(ErrorCode.MALFORMED, frame + ": field '" + field + "': "
                    + e.getMessage());
        }
    }

    /** A u16 byte length, then that many bytes of valid UTF-8. */
    String str(String field) {
        int length = u16(field);
        need(field, length);
        int start = index;
        index += length;
        if (body.forEachByte(start, length, ASCII) < 0) {
            return body.toString(start, length, StandardCharsets.US_ASCII);
        }
        try {
            // A new decoder reports malformed input rather than replacing it.
            return StandardCharsets.UTF_8.newDecoder().decode(body.nioBuffer(start, length)).toString();
        } catch (CharacterCodingException e) {
            throw malformed(field, "is not valid UTF-8");
        }
    }

    /** A str that must be an exact topic. */
    String topic(String field) {
        return checked(field, str(field), false);
    }

    /** A str that must be a topic or a pattern. */
    String filter(String field) {
        return checked(field, str(field), true);
    }

    private String checked(String field, String name, boolean pattern) {
        String problem = TopicNames.problem(name, pattern);
        if (problem != null) {
            throw fail(ErrorCode.BAD_TOPIC, "field '" + field + "': " + problem);
        }
        return name;
    }

    /** Fails unless {@code count} entries of at least {@code minBytes} each could still follow. */
    void entries(String field, int count, int minBytes) {
        long needed = (long) count * minBytes;
        if (needed > left()) {
            throw malformed(field, "truncated: " + count + " entries need at least " + needed + " bytes, "
                    + left() + " left");
        }
    }

    /** Checks that {@code expected} follows, byte for byte. */
    void expect(String field, byte[] expected, String description) {
        need(field, expected.length);
        for (int i = 0; i < expected.length; i++) {
            if (body.getByte(index + i) != expected[i]) {
                throw malformed(field, "is not " + description);
            }
        }
        index += expected.length;
    }

    /** The rest of the body, as a retained slice the caller must release. */
    ByteBuf rest() {
        ByteBuf rest = body.retainedSlice(index, end - index);
        index = end;
        return rest;
    }

    /** Skips the rest of the body. */
    void skipRest() {
        index = end;
    }

    /** Fails if any byte is left after the last field. */
    void end() {
        if (index != end) {
            throw fail(ErrorCode.MALFORMED, plural(end - index, "byte") + " left over after the last field");
        }
    }

    ControlProtocolException malformed(String field, String problem) {
        return fail(ErrorCode.MALFORMED, "field '" + field + "' " + problem);
    }

    ControlProtocolException fail(ErrorCode code, String problem) {
        return new ControlProtocolException(code, frame + ": " + problem);
    }

    private int left() {
        return end - index;
    }

    private void need(String field, int bytes) {
        if (left() < bytes) {
            throw malformed(field, "truncated: needs " + plural(bytes, "byte") + ", " + left() + " left");
        }
    }

    private static String plural(int count, String noun) {
        return count + " " + noun + (count == 1 ? "" : "s");
    }
}
