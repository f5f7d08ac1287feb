package dev.fanout.protocol.control;

/** Where a SUB starts: the u8 mode codes. */
public enum ResumeMode {
    /** Only messages published from now on; the SUB's value must be 0. */
    NEW(0),
    /** From a sequence number: the SUB's epoch and value name the first message wanted. */
    FROM(1),
    /** The last messages held: the SUB's value says how many. */
    LAST(2),
    /**
     * What was published at or after a moment: the SUB's value is the server's clock then, in milliseconds since
     * 1970. What a client resuming a pattern asks of the topics it never heard from, with the moment the
     * pattern's SUBSCRIBED told it.
     */
    SINCE(3);

    private static final ResumeMode[] VALUES = values();

    private final int code;

    ResumeMode(int code) {
        this.code = code;
    }

    /** The number on the wire. */
    public int code() {
        return code;
    }

    /**
     * The mode numbered {@code code}.
     *
     * @throws ControlProtocolException ({@link ErrorCode#MALFORMED}) if no mode has that number
     */
    public static ResumeMode of(int code) {
        for (ResumeMode value : VALUES) {
            if (value.code == code) {
                return value;
            }
        }
        throw Codes.unknown("resume mode", code, VALUES, ResumeMode::code);
    }
}
