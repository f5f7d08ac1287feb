package dev.fanout.server.session;

/** What happens when a session's outbound queue is full. */
public enum SlowConsumerPolicy {
    /** The session is told why (where its protocol allows) and closed. The default: nobody silently misses data. */
    DISCONNECT,
    /** The oldest queued messages are dropped to make room; the session is told how many it missed. */
    DROP_OLDEST;

    /** Parses the command-line spelling ({@code disconnect}, {@code drop-oldest}). */
    public static SlowConsumerPolicy parse(String text) {
        for (SlowConsumerPolicy policy : values()) {
            if (policy.label().equalsIgnoreCase(text)) {
                return policy;
            }
        }
        throw new IllegalArgumentException("unknown slow-consumer policy '" + text
                + "': use disconnect or drop-oldest");
    }

    /** The command-line spelling. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
