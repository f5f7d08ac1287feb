package dev.fanout.client;

/**
 * Where a message sits in its topic: the topic's epoch and the message's sequence number in it. A sequence
 * means something only within its epoch; a topic whose numbering started again (a server without durable
 * history restarted) has a new epoch. Immutable.
 *
 * @param epoch    the topic's epoch, 0 to 2<sup>63</sup>-1 (0 only where "any epoch" is meant)
 * @param sequence the message's sequence number, 0 to 2<sup>63</sup>-1; the first message of an epoch is 1
 */
public record Position(long epoch, long sequence) {

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if either is negative
     */
    public Position {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch (" + epoch + ") must not be negative");
        }
        if (sequence < 0) {
            throw new IllegalArgumentException("sequence (" + sequence + ") must not be negative");
        }
    }

    @Override
    public String toString() {
        return epoch + ":" + sequence;
    }
}
