package dev.fanout.server.source;

import java.util.Locale;

/** Where a source is in its life. */
public enum SourceState {
    /** Opening its upstream connection. */
    CONNECTING,
    /** Connected and reading. */
    CONNECTED,
    /** Lost its upstream (or could not reach it) and waits before the next attempt. */
    RETRYING,
    /** Its upstream ended for good (standard input closed) or it gave up; it will not read again. */
    ENDED,
    /** Stopped by the server. */
    STOPPED;

    /** Lower-case name, as listings show it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
