package dev.fanout.protocol.control;

import java.util.List;
import java.util.Objects;

/** Argument checks shared by the frame records; each failure names the field and the value. */
final class Checks {

    /** The largest u16. */
    static final int U16_MAX = 0xFFFF;

    private Checks() {
    }

    static int id(String field, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(field + " must be 1 to " + Integer.MAX_VALUE + ": " + value);
        }
        return value;
    }

    static long notNegative(String field, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(field + " must be 0 to " + Long.MAX_VALUE + ": " + value);
        }
        return value;
    }

    static int notNegative(String field, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(field + " must be 0 to " + Integer.MAX_VALUE + ": " + value);
        }
        return value;
    }

    static int u16(String field, int value) {
        if (value < 0 || value > U16_MAX) {
            throw new IllegalArgumentException(field + " must be 0 to " + U16_MAX + ": " + value);
        }
        return value;
    }

    static void topic(String field, String topic) {
        Objects.requireNonNull(topic, field);
        String problem = TopicNames.problem(topic, false);
        if (problem != null) {
            throw new IllegalArgumentException(field + ": " + problem);
        }
    }

    static void filter(String field, String filter) {
        Objects.requireNonNull(filter, field);
        String problem = TopicNames.problem(filter, true);
        if (problem != null) {
            throw new IllegalArgumentException(field + ": " + problem);
        }
    }

    /** An unmodifiable copy of {@code list}, which must fit a u16 count. */
    static <T> List<T> list(String field, List<T> list) {
        List<T> copy = List.copyOf(Objects.requireNonNull(list, field));
        if (copy.size() > U16_MAX) {
            throw new IllegalArgumentException(field + " has " + copy.size() + " entries, the most is " + U16_MAX);
        }
        return copy;
    }
}
