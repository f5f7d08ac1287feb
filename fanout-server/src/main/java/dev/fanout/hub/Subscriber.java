package dev.fanout.hub;

import io.netty.channel.EventLoop;

/**
 * Something that receives a topic's messages: in practice a client session.
 *
 * <p>The hub calls {@link #deliver} and {@link #endOfBatch} only on {@link #eventLoop()}, so a subscriber
 * needs no locks. A burst of messages may come as several batches, then one {@code endOfBatch()}, where it
 * should flush. A batch that holds only the subscriber's own messages is not delivered to it.
 */
public interface Subscriber {

    /** The client number; messages whose {@link Origin#clientId()} equals it are not delivered to it. */
    long id();

    /** The name shown to people. */
    String name();

    /** The event loop that delivers to this subscriber. */
    EventLoop eventLoop();

    /**
     * Delivers a batch of messages, in sequence order; {@link Batch#encodedFor} gives this subscriber's bytes
     * (its own messages left out). The batch is valid only during the call: to keep bytes, keep the buffer
     * {@code encodedFor} returned, which the caller owns.
     */
    void deliver(Batch batch);

    /** Ends a batch of deliveries: the moment to flush. */
    void endOfBatch();
}
