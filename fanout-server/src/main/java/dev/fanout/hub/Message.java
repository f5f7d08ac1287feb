package dev.fanout.hub;

import io.netty.buffer.ByteBuf;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;

/**
 * One published message: topic, epoch and sequence number, payload, publish time and origin. Immutable.
 *
 * <p>Reference-counted: a history holds one reference while it keeps the message, the hub one per event loop it
 * hands the message to, and each loop releases its reference once it has written the message to its subscribers.
 * The payload is released when the last reference goes. Every holder reads the payload in place, never moving its
 * indexes, so one message serves them all. Wire forms are not kept here: a {@link Batch} makes them per delivery,
 * so that a message kept in history costs its payload and {@link #OVERHEAD}, nothing more.
 */
public final class Message extends AbstractReferenceCounted {

    private final String topic;
    private final byte[] topicUtf8;
    private final long epoch;
    private final long sequence;
    private final ByteBuf payload;
    private final long publishedAtMillis;
    private final Origin origin;

    private Message(String topic, byte[] topicUtf8, long epoch, long sequence, ByteBuf payload,
                    long publishedAtMillis, Origin origin) {
        this.topic = topic;
        this.topicUtf8 = topicUtf8;
        this.epoch = epoch;
        this.sequence = sequence;
        this.payload = payload;
        this.publishedAtMillis = publishedAtMillis;
        this.origin = origin;
    }

    /**
     * A message at {@code position} of {@code topic}; takes ownership of {@code payload}. {@code topicUtf8} is the
     * topic's name in UTF-8, shared by all its messages.
     */
    public static Message of(String topic, byte[] topicUtf8, Position position, ByteBuf payload,
                             long publishedAtMillis, Origin origin) {
        return new Message(topic, topicUtf8, position.epoch(), position.sequence(), payload, publishedAtMillis,
                origin);
    }

    /** One more reference; returns this message. */
    @Override
    public Message retain() {
        super.retain();
        return this;
    }

    /** The topic it was published to. */
    public String topic() {
        return topic;
    }

    /** The topic's name in UTF-8; do not modify. */
    public byte[] topicUtf8() {
        return topicUtf8;
    }

    /** The epoch of its topic it was published in (see {@link Position}). */
    public long epoch() {
        return epoch;
    }

    /** Its position in its topic. */
    public Position position() {
        return new Position(epoch, sequence);
    }

    /** Its topic's sequence number: 1 for the first message of a topic, then 2, 3, ... */
    public long sequence() {
        return sequence;
    }

    /** The payload bytes; the view is only valid while the caller holds a reference to the message. */
    public ByteBuf payload() {
        return payload;
    }

    /** When it was published, in milliseconds since the epoch. */
    public long publishedAtMillis() {
        return publishedAtMillis;
    }

    /** Who published it. */
    public Origin origin() {
        return origin;
    }

    /**
     * Heap bytes a message costs besides its payload, rounded up: the message, its payload's buffer object and a
     * queue node. Bounds that count memory count it, so that many tiny messages cannot hide behind their bytes.
     */
    public static final int OVERHEAD = 192;

    /** Bytes in the payload. */
    public int size() {
        return payload.readableBytes();
    }

    /** What the message holds in memory while it waits: its payload and {@link #OVERHEAD}. */
    public long memorySize() {
        return size() + (long) OVERHEAD;
    }

    @Override
    public ReferenceCounted touch(Object hint) {
        payload.touch(hint);
        return this;
    }

    @Override
    protected void deallocate() {
        payload.release();
    }

    @Override
    public String toString() {
        return "Message[" + topic + " #" + sequence + "@" + epoch + ", " + size() + " bytes from " + origin.name()
                + "]";
    }
}
