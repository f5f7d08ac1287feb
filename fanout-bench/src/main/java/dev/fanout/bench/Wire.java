package dev.fanout.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;

/**
 * How the load generator speaks to one kind of server. Implementations are stateless; the handlers they make
 * are per connection.
 */
interface Wire {

    /**
     * Checks that {@code topic} is one this wire can subscribe and publish to, before any connection is made.
     *
     * @throws IllegalArgumentException if it is not, saying why
     */
    default void checkTopic(String topic) {
    }

    /** Bytes a connection sends first, before anything else (a handshake), or null for none. */
    ByteBuf hello(ByteBufAllocator alloc);

    /** Bytes that subscribe a connection to {@code topic}, or null where connecting is subscribing. */
    ByteBuf subscribe(ByteBufAllocator alloc, String topic);

    /** Appends to {@code out} the bytes that publish {@code payload} (its readable bytes) to {@code topic}. */
    void publish(ByteBuf out, String topic, ByteBuf payload);

    /** Bytes one publish of a {@code payloadSize}-byte payload to {@code topic} takes, to size buffers. */
    int publishSize(String topic, int payloadSize);

    /**
     * A handler for a subscriber connection: finds each message payload in what the server sends and hands it
     * to {@code sink}; answers keep-alive pings; fails the channel on a protocol error. One per connection.
     */
    ChannelHandler subscriberHandler(PayloadSink sink);

    /**
     * A handler for a publisher connection: consumes and discards what the server sends back (replies,
     * pings), answering pings where the protocol asks. One per connection.
     */
    ChannelHandler publisherHandler();
}
