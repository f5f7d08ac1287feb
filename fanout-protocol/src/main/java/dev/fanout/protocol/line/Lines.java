package dev.fanout.protocol.line;

import java.time.Duration;

/** Constants of the lines protocol. */
public final class Lines {

    /** Default longest line a client may send, in bytes, not counting the line end: 4 KiB, as NATS's control line. */
    public static final int DEFAULT_MAX_LINE = 4096;

    /**
     * Default time a partial line may sit unfinished before it is taken as complete. Tutorial clients send
     * each {@code input()} as one write without a newline; 300 ms is longer than a write takes to arrive and
     * shorter than a person notices.
     */
    public static final Duration DEFAULT_LINE_FLUSH = Duration.ofMillis(300);

    private Lines() {
    }
}
