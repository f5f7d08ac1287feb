package dev.fanout.protocol.control;

/**
 * A per-topic resume point in a SUB with a pattern filter: where the client wants one topic it has seen to
 * go on from.
 *
 * @param topic        an exact topic, which the SUB's pattern must match
 * @param epoch        the epoch the position belongs to, 0 to 2<sup>63</sup>-1
 * @param nextSequence the first sequence wanted, 0 to 2<sup>63</sup>-1
 */
public record TopicPosition(String topic, long epoch, long nextSequence) {

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if the topic is not exact or a number is negative
     * @throws NullPointerException if the topic is null
     */
    public TopicPosition {
        Checks.topic("topic", topic);
        Checks.notNegative("epoch", epoch);
        Checks.notNegative("nextSequence", nextSequence);
    }
}
