package dev.fanout.protocol.line;

/** Why {@link LineDecoder} rejected a line. The connection stays open; the line is dropped. */
public enum LineProblem {
    /** The line was longer than the maximum; everything up to its end was discarded. */
    TOO_LONG,
    /** The line's bytes are not valid UTF-8. */
    INVALID_UTF8,
    /** The line holds a control character (anything below U+0020 but tab, DEL, or U+0080 to U+009F). */
    CONTROL_CHARACTER
}
