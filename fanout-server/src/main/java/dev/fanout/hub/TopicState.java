package dev.fanout.hub;

/**
 * What a topic's history holds: its epoch, and the first and last sequence numbers held. A topic holding
 * nothing has {@code first == last + 1}, as in NATS: {@code (epoch, 1, 0)} before its first message,
 * {@code (epoch, 101, 100)} once all of its hundred messages have been trimmed.
 *
 * @param epoch the topic's epoch (see {@link Position})
 * @param first the first sequence number held
 * @param last  the sequence number of the last message published
 */
public record TopicState(long epoch, long first, long last) {

    public TopicState {
        if (epoch <= 0 || last < 0 || first < 1 || first > last + 1) {
            throw new IllegalArgumentException("not a topic state: epoch " + epoch + ", first " + first
                    + ", last " + last);
        }
    }

    /** True when no message is held. */
    public boolean isEmpty() {
        return first > last;
    }

    /** How many messages are held. */
    public long held() {
        return last - first + 1;
    }
}
