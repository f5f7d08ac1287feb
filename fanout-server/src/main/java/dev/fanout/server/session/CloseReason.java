package dev.fanout.server.session;

/** Why a session ended. Told to the client where the protocol allows, logged once and counted. */
public enum CloseReason {
    /** The client closed its connection, or reset it (a program that exits with data still unread). */
    CLIENT_CLOSED("client closed the connection", true),
    /** The client asked to leave ({@code /quit}). */
    CLIENT_QUIT("client quit", true),
    /** The client read too slowly and its outbound queue filled up. */
    SLOW_CONSUMER("too slow reading: outbound queue full", true),
    /** The client sent a frame longer than the limit. */
    FRAME_TOO_LARGE("frame larger than the limit", true),
    /** The client started a frame and did not finish it within the frame deadline. */
    FRAME_TIMEOUT("frame not finished in time", true),
    /** The client broke the control protocol so that its stream can no longer be trusted. */
    PROTOCOL_ERROR("protocol error", true),
    /** A chat client sent nothing for --idle-timeout. */
    IDLE_TIMEOUT("sent nothing for too long", true),
    /** A control client did not answer a PING in time. */
    IDLE("did not answer a ping in time", true),
    /** The server had no place for another client. */
    SERVER_FULL("server full", true),
    /** The client's address had no place for another connection. */
    ADDRESS_FULL("too many connections from this address", true),
    /** Refused before its first request: as many HTTP connections as --max-http-connections are open already. */
    HTTP_FULL("too many HTTP connections", true),
    /** A client on a TLS listener spoke something else (a plaintext client on a TLS port): never a session. */
    NOT_TLS("not TLS: a plaintext client on a TLS port", true),
    /** A client on a TLS listener did not finish the handshake within the deadline (--handshake-timeout). */
    TLS_TIMEOUT("TLS handshake not finished in time", true),
    /** A TLS handshake failed: no protocol or cipher in common, a client certificate missing or refused, a close. */
    TLS_FAILED("TLS handshake failed", true),
    /** Where anonymous may do nothing, a client that did not say HELLO or log in within the handshake deadline. */
    HANDSHAKE_TIMEOUT("no HELLO or login in time", true),
    /** A login was refused: unknown user or wrong secret (never said which), or too many failures lately. */
    UNAUTHORIZED("login refused", false),
    /** A raw frames client published where anonymous may not ({@code --auth}); raw mode has no way to tell it. */
    FORBIDDEN("not allowed", true),
    /** The client's address opened new connections faster than --connect-rate. */
    CONNECT_RATE("too many new connections from this address", true),
    /** A raw frames client published to a topic that a source feeds; raw mode has no way to tell it. */
    READ_ONLY("published to a read-only topic", true),
    /** A raw frames client published while the shared store (Redis) did not take it: it cannot be told otherwise. */
    UNAVAILABLE("published while the shared store was unavailable", true),
    /** A relay that would close a loop of relays: it feeds this server already. */
    RELAY_LOOP("relay loop", true),
    /** A relay asked to connect again, to learn which servers feed this one now. */
    RECONNECT("asked to reconnect", true),
    /** The operator removed the client. */
    KICKED("removed by the operator", true),
    /** The server is shutting down. */
    SHUTDOWN("server shutting down", false),
    /** The connection failed in a way a closing peer does not explain (a reset is {@link #CLIENT_CLOSED}). */
    IO_ERROR("network error", true),
    /** A fault in the server while serving this client; logged with its stack trace. */
    SERVER_ERROR("server error", true);

    private final String description;
    private final boolean notable;

    CloseReason(String description, boolean notable) {
        this.description = description;
        this.notable = notable;
    }

    /**
     * True for a connection refused before it became a session (the server or its address full, connecting too fast,
     * not finishing TLS): counted as a refusal, not a close, in the metrics.
     */
    public boolean refusal() {
        return switch (this) {
            case SERVER_FULL, ADDRESS_FULL, HTTP_FULL, CONNECT_RATE, NOT_TLS, TLS_TIMEOUT, TLS_FAILED -> true;
            default -> false;
        };
    }

    /** The name in metrics, logs and JSON: lower case ({@code slow_consumer}). */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** A short human description. */
    public String description() {
        return description;
    }

    /**
     * True for reasons logged at INFO, one line per close; false for shutdown, whose closes are summed up in the
     * shutdown's own lines, and for a refused login, which the refusal's own line (WARN, rate-limited) tells: both
     * are logged at DEBUG.
     */
    public boolean notable() {
        return notable;
    }
}
