package dev.fanout.hub;

import io.netty.channel.EventLoop;

/**
 * Something that receives a topic's messages: in practice one subscription of a client session.
 *
 * <p>The hub calls {@link #deliver} and {@link #endOfBatch} only on {@link #eventLoop()}, so a subscriber
 * needs no locks. A burst of messages may come as several batches, then one {@code endOfBatch()}, where it
 * should flush. A subscriber receives every message published to its topic after it was added, and none
 * published before: being added and removed is ordered with the messages themselves.
 */
public interface Subscriber {

    /** The client number, which messages it published carry as {@link Origin#clientId()}. */
    long id();

    /** The name shown to people. */
    String name();

    /** The event loop that delivers to this subscriber. */
    EventLoop eventLoop();

    /**
     * Delivers a batch of messages, in sequence order, and returns how many the subscriber took (its own
     * messages, which it may leave out, do not count); {@link Batch#encodedFor} gives its bytes. The batch is
     * valid only during the call: to keep bytes, keep the buffer {@code encodedFor} returned, which the caller
     * owns, or retain the messages.
     */
    int deliver(Batch batch);

    /** Ends a batch of deliveries: the moment to flush. */
    void endOfBatch();
}
