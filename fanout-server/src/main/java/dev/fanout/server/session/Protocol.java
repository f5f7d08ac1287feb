package dev.fanout.server.session;

/** The wire protocol a session speaks. */
public enum Protocol {
    /** Length-prefixed frames in raw mode (port 7070 by default): payloads only. */
    FRAMES,
    /** Length-prefixed frames in control mode, after the client's HELLO: typed frames, topics, resume. */
    CONTROL,
    /** UTF-8 lines for people and scripts (port 7071 by default). */
    LINES,
    /** Control mode in JSON text messages over a WebSocket ({@code /ws} on the HTTP port): browsers. */
    WEBSOCKET;

    /** Lower-case name, as shown in listings and logs. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
