package dev.fanout.client;

import dev.fanout.protocol.control.GapCause;

/**
 * Messages of a topic that this subscription will never deliver: the server no longer holds them. The
 * library reports only what the application has not seen, and only once. Immutable.
 *
 * @param topic        the exact topic
 * @param epoch        the topic's epoch
 * @param firstMissing the first sequence that will not be delivered
 * @param lastMissing  the last one; delivery goes on with {@code lastMissing + 1}
 * @param cause        why: {@link GapCause#HISTORY} (trimmed before it could be resent)
 */
public record GapEvent(String topic, long epoch, long firstMissing, long lastMissing, GapCause cause) {

    /** How many messages are missing. */
    public long count() {
        return lastMissing - firstMissing + 1;
    }
}
