package dev.fanout.source;

import dev.fanout.server.source.SourceContext;

/**
 * Where a source reads: one kind of upstream, opened one connection (or one run of a command) at a time by
 * the {@link SupervisedSource} that holds it.
 */
interface Upstream {

    /** How logs name it, without secrets: e.g. {@code tcp://127.0.0.1:9000 (frames)}. */
    String describe();

    /**
     * Opens one connection, with what the server gives sources, and returns at once; what arrives goes to
     * {@code publisher}, and {@code events} hears of the connection's progress and, exactly once, of its end.
     * Never blocks.
     */
    Link open(SourceContext context, SourcePublisher publisher, LinkEvents events);

    /** False for an upstream that cannot be read again once it ends: standard input. */
    default boolean reopens() {
        return true;
    }
}
