package dev.fanout.client;

import dev.fanout.protocol.control.ErrorCode;
import dev.fanout.protocol.control.GoodbyeReason;

/**
 * Something the client could not do: the server refused a request (an ERROR frame, {@link #errorCode()}), it
 * closed the connection and said why (a GOODBYE, {@link #goodbyeReason()}), the connection could not be made
 * or kept, or the client was closed. The message is meant for people: it names what failed and, where the
 * server said, the server's own words. Unchecked.
 */
public class FanoutException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final ErrorCode errorCode;
    private final GoodbyeReason goodbyeReason;

    /** A failure with a message and, if not null, its cause. */
    public FanoutException(String message, Throwable cause) {
        this(message, cause, null, null);
    }

    /** A failure with a message. */
    public FanoutException(String message) {
        this(message, null, null, null);
    }

    FanoutException(String message, Throwable cause, ErrorCode errorCode, GoodbyeReason goodbyeReason) {
        super(message, cause);
        this.errorCode = errorCode;
        this.goodbyeReason = goodbyeReason;
    }

    /** A refusal the server sent as an ERROR frame. */
    static FanoutException refused(String what, ErrorCode code, String text) {
        return new FanoutException(what + " refused by the server: " + code.label() + ": " + text, null, code,
                null);
    }

    /** The server's ERROR code, or null if the failure was not an ERROR frame. */
    public ErrorCode errorCode() {
        return errorCode;
    }

    /** The reason of the server's GOODBYE, or null if the failure was not a GOODBYE. */
    public GoodbyeReason goodbyeReason() {
        return goodbyeReason;
    }
}
