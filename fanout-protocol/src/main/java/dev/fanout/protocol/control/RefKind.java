package dev.fanout.protocol.control;

/** What an ERROR's reference names: the u8 reference kinds. */
public enum RefKind {
    /** Nothing: the reference is 0. */
    NONE(0),
    /** A publish id, from the PUB that failed. */
    PUBLISH_ID(1),
    /** A subscription id, from the SUB or UNSUB that failed. */
    SUBSCRIPTION_ID(2);

    private static final RefKind[] VALUES = values();

    private final int code;

    RefKind(int code) {
        this.code = code;
    }

    /** The number on the wire. */
    public int code() {
        return code;
    }

    /**
     * The kind numbered {@code code}.
     *
     * @throws ControlProtocolException ({@link ErrorCode#MALFORMED}) if no kind has that number
     */
    public static RefKind of(int code) {
        for (RefKind value : VALUES) {
            if (value.code == code) {
                return value;
            }
        }
        throw Codes.unknown("reference kind", code, VALUES, RefKind::code);
    }
}
