package dev.fanout.server.source;

import java.io.IOException;

/** A stream of messages from outside the server. Read by one thread, the {@link SourceRunner}'s. */
public interface Source {

    /** A short description for logs, e.g. {@code stdin (lines)}. */
    String describe();

    /**
     * Blocks until the next message and returns its payload, or null when the source has ended.
     *
     * @throws IOException if the source failed and cannot go on
     */
    byte[] next() throws IOException;
}
