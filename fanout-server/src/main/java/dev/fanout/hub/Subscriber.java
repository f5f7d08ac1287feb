package dev.fanout.hub;

import io.netty.channel.EventLoop;

/**
 * Something that receives a topic's messages: in practice a client session.
 *
 * <p>The hub calls {@link #deliver} and {@link #endOfBatch} only on {@link #eventLoop()}, so a subscriber
 * needs no locks. Within a batch it may receive several messages, and then one {@code endOfBatch()}, where
 * it should flush.
 */
public interface Subscriber {

    /** The client number; messages whose {@link Origin#clientId()} equals it are not delivered to it. */
    long id();

    /** The name shown to people. */
    String name();

    /** The event loop that delivers to this subscriber. */
    EventLoop eventLoop();

    /**
     * Delivers one message. The message is valid only during the call: to keep its bytes, retain a
     * duplicate of {@link Message#encoded(Encoding)}.
     */
    void deliver(Message message);

    /** Ends a batch of deliveries: the moment to flush. */
    void endOfBatch();
}
