package dev.fanout.source;

import java.util.Locale;

/** How a byte stream is cut into messages. */
public enum StreamFormat {
    /** One message per line; a {@code \r} before the {@code \n} is dropped. The bytes are not checked. */
    LINES,
    /** A 4-byte big-endian length, then that many bytes: the tutorial's framing. */
    FRAMES,
    /** Server-sent events: each event's data is one message (HTTP only). */
    SSE,
    /** Newline-delimited JSON: each line one JSON value, checked; blank lines are skipped (HTTP only). */
    NDJSON;

    /** The name {@code ?format=} takes. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The format a {@code ?format=} value names ({@code text} is another word for lines, {@code events} and
     * {@code event-stream} for SSE, {@code jsonl} for NDJSON).
     *
     * @throws IllegalArgumentException naming the formats there are
     */
    public static StreamFormat of(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "lines", "text" -> LINES;
            case "frames" -> FRAMES;
            case "sse", "events", "event-stream" -> SSE;
            case "ndjson", "jsonl" -> NDJSON;
            default -> throw new IllegalArgumentException("unknown format '" + value
                    + "': expected lines, frames, sse or ndjson");
        };
    }
}
