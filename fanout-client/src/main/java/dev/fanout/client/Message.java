package dev.fanout.client;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;

/**
 * One message of a subscription, as the application receives it.
 *
 * <p><b>Buffers.</b> The payload is a {@code byte[]} made for this message alone, which the application owns:
 * it may keep it, change it or hand it on; the library keeps no reference. No Netty buffer is ever handed out.
 * Otherwise immutable; safe to pass between threads.
 */
public final class Message {

    private final String topic;
    private final long epoch;
    private final long sequence;
    private final long publishedAtMillis;
    private final byte[] payload;

    /** A message; {@code payload} is taken as it is, not copied. */
    Message(String topic, long epoch, long sequence, long publishedAtMillis, byte[] payload) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.epoch = epoch;
        this.sequence = sequence;
        this.publishedAtMillis = publishedAtMillis;
        this.payload = Objects.requireNonNull(payload, "payload");
    }

    /** The exact topic it was published to (for a pattern subscription, the topic that matched). */
    public String topic() {
        return topic;
    }

    /** The topic's epoch. */
    public long epoch() {
        return epoch;
    }

    /** The message's sequence number in its topic's epoch: 1, 2, 3, ... */
    public long sequence() {
        return sequence;
    }

    /** Epoch and sequence together. */
    public Position position() {
        return new Position(epoch, sequence);
    }

    /** When the server took it, in milliseconds since 1970-01-01T00:00:00Z. */
    public long publishedAtMillis() {
        return publishedAtMillis;
    }

    /** When the server took it. */
    public Instant publishedAt() {
        return Instant.ofEpochMilli(publishedAtMillis);
    }

    /** The payload: the application's own array, not a copy (see the class comment). */
    public byte[] payload() {
        return payload;
    }

    /** The payload decoded as UTF-8, malformed bytes replaced. */
    public String text() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "Message[" + topic + " " + epoch + ":" + sequence + ", " + payload.length + " bytes]";
    }
}
