package dev.fanout.hub;

/**
 * Where a message sits in its topic: the topic's epoch and the message's sequence number in it.
 *
 * <p>A sequence number means something only within its epoch: when a topic's history starts afresh (a server
 * without durable history restarted, a topic forgotten and made again), it gets a new epoch and counts from 1
 * again, and a client holding a position of the old epoch learns that its stream was reset. A durable history
 * that may have lost acknowledged messages also moves to a new epoch, keeping what survived at its numbers.
 *
 * @param epoch    the topic's epoch: a positive number chosen at random when its history started
 * @param sequence the message's sequence number: 1 for the first message of the epoch, then 2, 3, ...
 */
public record Position(long epoch, long sequence) {

    public Position {
        if (epoch <= 0) {
            throw new IllegalArgumentException("epoch must be positive: " + epoch);
        }
        if (sequence < 0) {
            throw new IllegalArgumentException("sequence must not be negative: " + sequence);
        }
    }
}
