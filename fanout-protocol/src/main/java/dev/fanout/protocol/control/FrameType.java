package dev.fanout.protocol.control;

/**
 * The type byte that starts every control frame body, and which side may send each type. Every type byte
 * is in {@code 0x80..0xBF}, a UTF-8 continuation byte, so no UTF-8 text starts with one.
 */
public enum FrameType {
    /** Client to server: the first frame, which switches the connection to control mode. */
    HELLO(0x89, true, false),
    /** Server to client: the answer to HELLO. */
    WELCOME(0x8A, false, true),
    /** Either side: asks for a PONG. */
    PING(0x81, true, true),
    /** Either side: answers a PING. */
    PONG(0x82, true, true),
    /** Client to server: subscribe to a topic or pattern. */
    SUB(0x90, true, false),
    /** Client to server: end a subscription. */
    UNSUB(0x91, true, false),
    /** Server to client: a subscription was made. */
    SUBSCRIBED(0x92, false, true),
    /** Client to server: publish a message. */
    PUB(0xA0, true, false),
    /** Server to client: a PUB with a publish id was taken. */
    ACK(0xA1, false, true),
    /** Server to client: a message of a subscription. */
    MSG(0xB0, false, true),
    /** Server to client: messages of a subscription that will never be delivered. */
    GAP(0xB1, false, true),
    /** Server to client: the topic's numbering is not the one the client resumed from. */
    RESET(0xB2, false, true),
    /** Server to client: something the client sent was refused. */
    ERROR(0xBE, false, true),
    /** Either side: the sender is closing the connection, and why. */
    GOODBYE(0xBF, true, true);

    private static final FrameType[] BY_CODE = new FrameType[256];

    static {
        for (FrameType type : values()) {
            BY_CODE[type.code] = type;
        }
    }

    private final int code;
    private final boolean fromClient;
    private final boolean fromServer;

    FrameType(int code, boolean fromClient, boolean fromServer) {
        this.code = code;
        this.fromClient = fromClient;
        this.fromServer = fromServer;
    }

    /** The type byte, 0 to 255. */
    public int code() {
        return code;
    }

    /** Whether a client may send this type; a server answers any other with UNEXPECTED_TYPE. */
    public boolean fromClient() {
        return fromClient;
    }

    /** Whether a server may send this type. */
    public boolean fromServer() {
        return fromServer;
    }

    /**
     * The type whose byte is {@code code}.
     *
     * @throws ControlProtocolException ({@link ErrorCode#UNKNOWN_TYPE}) if no type has that byte
     */
    public static FrameType of(int code) {
        FrameType type = code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
        if (type == null) {
            throw new ControlProtocolException(ErrorCode.UNKNOWN_TYPE,
                    String.format("unknown frame type 0x%02X", code));
        }
        return type;
    }
}
