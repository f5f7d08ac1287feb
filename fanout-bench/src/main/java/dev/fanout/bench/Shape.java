package dev.fanout.bench;

import java.util.Locale;

/**
 * The load shapes: who publishes and who subscribes. Publishers and subscribers are separate connections. The
 * first three measure deliveries; {@link #ACKED} measures acknowledged publishes.
 */
public enum Shape {
    /** One publisher, many subscribers: the stream owner's case. */
    FAN_OUT,
    /** Many publishers, one subscriber. */
    FAN_IN,
    /** Every member of a room publishes and subscribes. */
    CHAT,
    /**
     * Publishers only, each asking the server to acknowledge every publish and keeping at most a window of them
     * unacknowledged: what the server confirms per second, and how long a confirmation takes.
     */
    ACKED;

    /** The command-line spelling: {@code fan-out}, {@code fan-in}, {@code chat}, {@code acked}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses the command-line spelling. */
    public static Shape parse(String text) {
        for (Shape shape : values()) {
            if (shape.label().equalsIgnoreCase(text)) {
                return shape;
            }
        }
        throw new IllegalArgumentException("unknown shape '" + text + "': use fan-out, fan-in, chat or acked");
    }
}
