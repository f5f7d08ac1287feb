package dev.fanout.bench;

import dev.fanout.protocol.control.ControlCodec;
import dev.fanout.protocol.control.ControlFrame;
import dev.fanout.protocol.control.ControlProtocolException;
import dev.fanout.protocol.control.ResumeMode;
import dev.fanout.protocol.control.TopicNames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * fanout's frames port in control mode (protocol version 1, {@code docs/protocol.md}): every message carries its
 * topic, and every delivery the topic's epoch and sequence number, as a client library sees them. Each connection
 * first sends a HELLO without options. A subscriber then sends
 *
 * <pre>
 * SUB  subscription id 1, no ECHO, mode NEW, the topic
 * </pre>
 *
 * and the server's SUBSCRIBED tells it the subscription is in effect ({@link WireEvent#SUBSCRIBED}). Each publish
 * is a fire-and-forget PUB (publish id 0: no ACK), written in place by {@link ControlCodec#writePub}; an
 * acknowledged one ({@link AckedWire}) a PUB with the publish id, which the server answers with an ACK naming it
 * once the message is in the topic's history (and, with {@code --data-dir}, written as {@code --fsync} says).
 * The topic must be an exact topic ({@link TopicNames}): no wildcards.
 *
 * <p>Stateless but for a memo of the last topic's UTF-8 bytes, which any thread may replace with an equal one,
 * so that publishing encodes the topic once rather than per message.
 */
final class FanoutControlWire implements AckedWire {

    /** The bench makes one subscription per connection, with this id. */
    static final int SUBSCRIPTION_ID = 1;
    /**
     * Frame bodies larger than this are treated as a broken stream: the bench never publishes payloads of more
     * than 16 MiB, and a MSG adds at most {@link ControlCodec#MAX_HEADER_BYTES} to its payload.
     */
    static final int MAX_BODY = 16 * 1024 * 1024 + ControlCodec.MAX_HEADER_BYTES;
    /** PUB's publish id for fire-and-forget: the server sends no ACK. */
    private static final long FIRE_AND_FORGET = 0;

    private final int maxBody;
    /** The topic last published to, with its bytes: replaced whole, never changed, so a racy read is safe. */
    private volatile TopicBytes lastTopic;

    FanoutControlWire() {
        this(MAX_BODY);
    }

    /** With another limit for the frames the server sends, for tests. */
    FanoutControlWire(int maxBody) {
        if (maxBody < 64) {
            throw new IllegalArgumentException("maxBody (" + maxBody + ") must be at least 64");
        }
        this.maxBody = maxBody;
    }

    @Override
    public void checkTopic(String topic) {
        topicBytes(topic);
    }

    @Override
    public ByteBuf hello(ByteBufAllocator alloc) {
        return ControlCodec.encode(alloc, new ControlFrame.Hello(ControlCodec.VERSION, List.of()));
    }

    @Override
    public ByteBuf subscribe(ByteBufAllocator alloc, String topic) {
        checkTopic(topic);
        return ControlCodec.encode(alloc, new ControlFrame.Sub(SUBSCRIPTION_ID, false, ResumeMode.NEW, 0, 0, topic,
                List.of()));
    }

    @Override
    public void publish(ByteBuf out, String topic, ByteBuf payload) {
        ControlCodec.writePub(out, FIRE_AND_FORGET, topicBytes(topic), payload);
    }

    @Override
    public int publishSize(String topic, int payloadSize) {
        return ControlCodec.pubSize(topicBytes(topic).length, payloadSize);
    }

    @Override
    public void publishAcked(ByteBuf out, String topic, String inbox, long publishId, ByteBuf payload) {
        if (publishId < 1) {
            throw new IllegalArgumentException("publishId (" + publishId + ") must be at least 1: 0 asks for no ACK");
        }
        ControlCodec.writePub(out, publishId, topicBytes(topic), payload);
    }

    @Override
    public int publishAckedSize(String topic, String inbox, int payloadSize) {
        return publishSize(topic, payloadSize);
    }

    @Override
    public ChannelHandler ackHandler(AckSink sink) {
        return new FanoutControlDecoder((buf, index, length) -> { }, sink, maxBody);
    }

    @Override
    public ChannelHandler subscriberHandler(PayloadSink sink) {
        return new FanoutControlDecoder(sink, maxBody);
    }

    @Override
    public ChannelHandler publisherHandler() {
        return new FanoutControlDecoder((buf, index, length) -> { }, maxBody);
    }

    /** The topic's UTF-8 bytes, checked against the topic rules the first time it is met. */
    private byte[] topicBytes(String topic) {
        TopicBytes known = lastTopic;
        // The bench passes the same String instance every time: equals() returns on its identity check.
        if (known == null || !known.topic().equals(topic)) {
            try {
                TopicNames.checkTopic(topic);
            } catch (ControlProtocolException e) {
                throw new IllegalArgumentException("not a fanout topic: " + e.getMessage(), e);
            }
            known = new TopicBytes(topic, topic.getBytes(StandardCharsets.UTF_8));
            lastTopic = known;
        }
        return known.utf8();
    }

    /** A topic and its UTF-8 bytes, which nobody changes. */
    private record TopicBytes(String topic, byte[] utf8) {
    }
}
