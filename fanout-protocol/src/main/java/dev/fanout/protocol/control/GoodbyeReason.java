package dev.fanout.protocol.control;

/** Why a GOODBYE's sender is closing the connection: the u8 reason codes. */
public enum GoodbyeReason {
    /** No reason given. */
    UNSPECIFIED(0),
    /** A client leaving of its own accord. */
    CLIENT_QUIT(1),
    /** The server is shutting down. */
    SHUTDOWN(2),
    /** The client read too slowly. */
    SLOW_CONSUMER(3),
    /** The operator removed the client. */
    KICKED(4),
    /** The peer broke the protocol. */
    PROTOCOL_ERROR(5),
    /** A frame was over the limit. */
    FRAME_TOO_LARGE(6),
    /** A frame was started but not finished in time. */
    FRAME_TIMEOUT(7),
    /** The peer did not answer a PING in time. */
    IDLE(8),
    /** The server holds its maximum number of clients. */
    SERVER_FULL(9),
    /** The client's address holds its maximum number of connections. */
    ADDRESS_FULL(10),
    /** A fault in the server. */
    SERVER_ERROR(11),
    /** Reserved for a later version. */
    AUTH_FAILED(12),
    /** A relay would be fed by a server it feeds, directly or through others: a loop, refused. */
    RELAY_LOOP(13),
    /** The server asks the client to connect again: a relay's view of the servers feeding this one is stale. */
    RECONNECT(14);

    private static final GoodbyeReason[] VALUES = values();

    private final int code;

    GoodbyeReason(int code) {
        this.code = code;
    }

    /** The number on the wire. */
    public int code() {
        return code;
    }

    /**
     * The reason numbered {@code code}.
     *
     * @throws ControlProtocolException ({@link ErrorCode#MALFORMED}) if no reason has that number
     */
    public static GoodbyeReason of(int code) {
        for (GoodbyeReason value : VALUES) {
            if (value.code == code) {
                return value;
            }
        }
        throw Codes.unknown("goodbye reason", code, VALUES, GoodbyeReason::code);
    }
}
