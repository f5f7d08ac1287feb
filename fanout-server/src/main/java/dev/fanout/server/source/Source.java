package dev.fanout.server.source;

import java.util.concurrent.CompletableFuture;

/**
 * Something outside the server that feeds a topic (or, for a relay, the topics a pattern matches): standard
 * input, an upstream server, an HTTP stream, a command's output, another fanout server.
 *
 * <p>A source never blocks the caller: {@link #start} and {@link #stop} return at once, and a source that is
 * waiting for its upstream stops without waiting for that read to end. It publishes through the server's
 * publish path, holds at most one upstream connection at a time, and reconnects by itself after a loss.
 * Thread-safe.
 */
public interface Source {

    /** How logs and listings name it: its topic and where it reads, without secrets. */
    String describe();

    /** The topic it publishes to, or the pattern of those it may publish to; clients may not publish there. */
    String feeds();

    /**
     * Whether it is a relay: the topics it feeds mirror another fanout server's, keeping their epochs and sequence
     * numbers (see {@link dev.fanout.hub.Topic#isMirrored()}).
     */
    default boolean mirrors() {
        return false;
    }

    /** Starts reading; called once. */
    void start(SourceContext context);

    /** Stops reading and closes the upstream connection; completes once it is closed. Never blocks. */
    CompletableFuture<Void> stop();

    /** What it is doing now, for {@code /sources} and {@code /stats}. */
    SourceStatus status();
}
