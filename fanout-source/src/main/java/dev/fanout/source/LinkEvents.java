package dev.fanout.source;

import java.time.Duration;

/** What a {@link Link} tells the source that holds it. Callable from any thread. */
interface LinkEvents {

    /** The upstream was reached; {@code where} says where, for the log (an address, a process id). */
    void connected(String where);

    /** Something arrived (a message, a comment, a keepalive): the upstream is not silent. */
    void heard();

    /** The upstream asks to wait this long before reconnecting (server-sent events' {@code retry:}). */
    void retryAfter(Duration wait);

    /** The connection is gone, for {@code reason}; after the first call the link is done and later calls count not. */
    void ended(String reason);
}
