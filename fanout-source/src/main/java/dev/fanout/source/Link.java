package dev.fanout.source;

/** One open connection to an upstream (or one run of a command), from {@link Upstream#open}. */
interface Link {

    /**
     * Closes the connection (stops the command) without waiting for it; {@link LinkEvents#ended} follows once it
     * is closed. Safe to call more than once, and after it ended by itself.
     */
    void close();
}
