package dev.fanout.server.session;

/** Why a session ended. Told to the client where the protocol allows, logged once and counted. */
public enum CloseReason {
    /** The client closed its connection. */
    CLIENT_CLOSED("client closed the connection", false),
    /** The client asked to leave ({@code /quit}). */
    CLIENT_QUIT("client quit", false),
    /** The client read too slowly and its outbound queue filled up. */
    SLOW_CONSUMER("too slow reading: outbound queue full", true),
    /** The client sent a frame longer than the limit. */
    FRAME_TOO_LARGE("frame larger than the limit", true),
    /** The server had no place for another client. */
    SERVER_FULL("server full", true),
    /** The client's address had no place for another connection. */
    ADDRESS_FULL("too many connections from this address", true),
    /** The operator removed the client. */
    KICKED("removed by the operator", true),
    /** The server is shutting down. */
    SHUTDOWN("server shutting down", false),
    /** The connection failed (reset, broken pipe). */
    IO_ERROR("network error", true),
    /** A fault in the server while serving this client; logged with its stack trace. */
    SERVER_ERROR("server error", true);

    private final String description;
    private final boolean notable;

    CloseReason(String description, boolean notable) {
        this.description = description;
        this.notable = notable;
    }

    /** A short human description. */
    public String description() {
        return description;
    }

    /** True for reasons an operator wants in the log at INFO; ordinary departures are logged at DEBUG. */
    public boolean notable() {
        return notable;
    }
}
