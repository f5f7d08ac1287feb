package dev.fanout.protocol.control;

import java.util.Locale;

/** The u16 error codes of an ERROR frame, as the protocol numbers them. */
public enum ErrorCode {
    /** A field truncated, bytes left over, invalid UTF-8, an unknown enum or flag value, a zero id. */
    MALFORMED(1),
    /** A type byte this version does not know. */
    UNKNOWN_TYPE(2),
    /** HELLO with a version the server does not speak. */
    UNSUPPORTED_VERSION(3),
    /** A control frame before HELLO. */
    HELLO_REQUIRED(4),
    /** A second HELLO. */
    DUPLICATE_HELLO(5),
    /** A topic or pattern too long or with bad characters, or a pattern where a topic is needed. */
    BAD_TOPIC(6),
    /** A frame over the limit; the connection closes. */
    FRAME_TOO_LARGE(7),
    /** A PUB payload over the server's maximum payload; the connection stays. */
    PAYLOAD_TOO_LARGE(8),
    /** A new topic while the server holds its maximum number of topics. */
    TOPIC_LIMIT(9),
    /** UNSUB of an id not in use. */
    UNKNOWN_SUBSCRIPTION(10),
    /** SUB with an id already in use. */
    DUPLICATE_SUBSCRIPTION(11),
    /** Over the per-connection subscription limit. */
    TOO_MANY_SUBSCRIPTIONS(12),
    /** The server refuses this operation, for example on a read-only topic. */
    NOT_ALLOWED(13),
    /** The history store failed; retry later. */
    UNAVAILABLE(14),
    /** A frame of a type the receiver never accepts, for example a client sending MSG. */
    UNEXPECTED_TYPE(15),
    /** HELLO's credentials were refused (an unknown user or a wrong secret, never which); the connection closes. */
    UNAUTHORIZED(16),
    /** The client's user may not do this: publish to the topic, or subscribe to the topic or pattern. */
    FORBIDDEN(17);

    private static final ErrorCode[] VALUES = values();

    private final int code;
    private final String label;

    ErrorCode(int code) {
        this.code = code;
        this.label = name().toLowerCase(Locale.ROOT);
    }

    /** The number on the wire. */
    public int code() {
        return code;
    }

    /** A stable lower_snake name for logs and metrics, such as {@code bad_topic}. */
    public String label() {
        return label;
    }

    /**
     * The error code numbered {@code code}.
     *
     * @throws ControlProtocolException ({@link #MALFORMED}) if no error code has that number
     */
    public static ErrorCode of(int code) {
        for (ErrorCode value : VALUES) {
            if (value.code == code) {
                return value;
            }
        }
        throw Codes.unknown("error code", code, VALUES, ErrorCode::code);
    }
}
