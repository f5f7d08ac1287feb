package dev.fanout.protocol.control;

import java.util.List;
import java.util.Objects;

/**
 * One key and value of a HELLO or WELCOME, each a {@code str} on the wire (at most 65,535 bytes of UTF-8).
 *
 * @param key   the option's name, such as {@link HelloOptions#NAME}
 * @param value its value
 */
public record Option(String key, String value) {

    /**
     * Checks both are present.
     *
     * @throws NullPointerException if either is null
     */
    public Option {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }

    /** The value of the first option in {@code options} whose key is {@code key}, or null if none has it. */
    static String find(List<Option> options, String key) {
        for (Option option : options) {
            if (option.key.equals(key)) {
                return option.value;
            }
        }
        return null;
    }
}
