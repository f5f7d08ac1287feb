package dev.fanout.protocol.control;

import java.util.StringJoiner;
import java.util.function.ToIntFunction;

/** The one message for a number that names no enum value, listing the values that exist. */
final class Codes {

    private Codes() {
    }

    static <E extends Enum<E>> ControlProtocolException unknown(String what, int code, E[] values,
                                                              ToIntFunction<E> codeOf) {
        StringJoiner known = new StringJoiner(", ");
        for (E value : values) {
            known.add(codeOf.applyAsInt(value) + " " + value.name());
        }
        return new ControlProtocolException(ErrorCode.MALFORMED,
                "unknown " + what + " " + code + " (known: " + known + ")");
    }
}
