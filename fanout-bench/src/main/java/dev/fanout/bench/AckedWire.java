package dev.fanout.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;

/**
 * How a publisher that waits for acknowledgements ({@link Shape#ACKED}) speaks to one kind of server, on top of
 * its {@link Wire}: what each publish asks the server to keep, and how its replies are read. Every reply before
 * the first acknowledgement answers {@link #prepare}; after that, each reply acknowledges one publish, in the
 * order of the publishes. Implementations are stateless; the handlers they make are per connection.
 *
 * <p>Where a target keeps a bounded log, it keeps the last {@link #RETAIN} messages of the topic, as a fanout
 * topic does by default ({@code --history 1000}).
 */
interface AckedWire extends Wire {

    /** Messages a Redis stream or a JetStream stream keeps: fanout's default history per topic. */
    int RETAIN = 1000;

    /**
     * Bytes a publisher sends once, after the hello and before its first publish, or null for none.
     *
     * @param inbox a subject no other connection uses, for protocols that route replies by subject (NATS)
     */
    default ByteBuf prepare(ByteBufAllocator alloc, String topic, String inbox) {
        return null;
    }

    /** How many replies the server sends to {@link #prepare}'s bytes, before any acknowledgement. */
    default int prepareReplies() {
        return 0;
    }

    /**
     * Appends to {@code out} the bytes that publish {@code payload} (its readable bytes) to {@code topic} and ask
     * for an acknowledgement. {@code publishId} counts 1, 2, 3... on each connection.
     */
    void publishAcked(ByteBuf out, String topic, String inbox, long publishId, ByteBuf payload);

    /** Bytes one {@link #publishAcked} of a {@code payloadSize}-byte payload takes, to size buffers. */
    int publishAckedSize(String topic, String inbox, int payloadSize);

    /**
     * A handler for an acknowledged publisher's connection: hands each reply to {@code sink}, answers keep-alive
     * pings, and fails the channel ({@link ServerErrorException}) on a reply that refuses a publish. One per
     * connection.
     */
    ChannelHandler ackHandler(AckSink sink);
}
