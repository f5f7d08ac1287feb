package dev.fanout.client;

/**
 * A topic's numbering started again (its epoch changed, for example a server without durable history was
 * restarted): what the subscription delivers next belongs to the new epoch, from {@code firstHeld} on.
 * Messages of the old epoch that were not delivered are lost. Immutable.
 *
 * @param topic     the exact topic
 * @param oldEpoch  the epoch the subscription had delivered from
 * @param epoch     the topic's epoch now
 * @param firstHeld the first sequence the topic holds in its new epoch
 * @param lastHeld  the last one (first - 1 when it holds none)
 */
public record ResetEvent(String topic, long oldEpoch, long epoch, long firstHeld, long lastHeld) {
}
