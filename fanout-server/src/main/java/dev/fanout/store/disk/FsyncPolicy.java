package dev.fanout.store.disk;

import java.util.Locale;

/** When the log asks the operating system to put what it wrote on the disk ({@code --fsync}). */
public enum FsyncPolicy {

    /**
     * Before every acknowledgement: an ACK means the message is on the disk. Publishes that arrive while one
     * {@code fsync} runs share the next one (group commit).
     */
    ALWAYS,
    /**
     * Every {@code --fsync-interval} (1 s by default), in the background: an ACK means the message was written to
     * the operating system, so a crash of the process loses nothing acknowledged, and a power loss at most the
     * last interval.
     */
    INTERVAL,
    /** Never explicitly (only at a clean shutdown): the operating system writes back when it sees fit. */
    OS;

    /** The flag's spelling of this policy. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The policy a flag's value names, any case. */
    public static FsyncPolicy of(String label) {
        for (FsyncPolicy policy : values()) {
            if (policy.label().equalsIgnoreCase(label.strip())) {
                return policy;
            }
        }
        throw new IllegalArgumentException("--fsync must be always, interval or os, not '" + label + "'");
    }
}
