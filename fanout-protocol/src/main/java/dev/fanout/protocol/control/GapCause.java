package dev.fanout.protocol.control;

/** Why a GAP's messages will never be delivered: the u8 cause codes. */
public enum GapCause {
    /** The messages are no longer held. */
    HISTORY(1),
    /** The messages were skipped because the client read too slowly. */
    DROPPED(2);

    private static final GapCause[] VALUES = values();

    private final int code;

    GapCause(int code) {
        this.code = code;
    }

    /** The number on the wire. */
    public int code() {
        return code;
    }

    /**
     * The cause numbered {@code code}.
     *
     * @throws ControlProtocolException ({@link ErrorCode#MALFORMED}) if no cause has that number
     */
    public static GapCause of(int code) {
        for (GapCause value : VALUES) {
            if (value.code == code) {
                return value;
            }
        }
        throw Codes.unknown("gap cause", code, VALUES, GapCause::code);
    }
}
