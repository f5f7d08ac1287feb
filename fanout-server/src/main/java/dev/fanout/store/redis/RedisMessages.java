package dev.fanout.store.redis;

import dev.fanout.hub.Message;
import dev.fanout.hub.Origin;
import dev.fanout.hub.Position;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The forms messages take in Redis, read back into {@link Message}s. A message's origin is written as this
 * server's node number, the client's number on it and the client's name ({@code u16 length, u64 node, u64 client,
 * name}), so that a server delivering a message another node published does not mistake that node's client for
 * one of its own with the same number. A live frame, as the topic script publishes it, is
 * {@code "<epoch>:<first>:<time>\n"}, the origin, then each payload after its length (u32): the {@link Burst} as
 * the log keeps it.
 */
final class RedisMessages {

    private final long node;

    /** Forms for the server whose node number is {@code node}. */
    RedisMessages(long node) {
        this.node = node;
    }

    /** {@code origin}, published from this server. */
    byte[] origin(Origin origin) {
        byte[] name = origin.name().getBytes(StandardCharsets.UTF_8);
        ByteBuf bytes = Unpooled.buffer(18 + name.length);
        bytes.writeShort(16 + name.length).writeLong(node).writeLong(origin.clientId()).writeBytes(name);
        return bytes.array();
    }

    /** Reads an origin; one of another node's clients becomes an origin that is no client here. */
    private Origin readOrigin(ByteBuf bytes) {
        int length = bytes.readUnsignedShort();
        long from = bytes.readLong();
        long client = bytes.readLong();
        String name = bytes.readCharSequence(length - 16, StandardCharsets.UTF_8).toString();
        return new Origin(from == node ? client : Origin.NO_CLIENT, name);
    }

    /**
     * The messages of a live frame of {@code topic}, each holding one reference.
     *
     * @throws IllegalArgumentException if the frame is not one the topic script makes
     */
    List<Message> live(String topic, byte[] topicUtf8, byte[] frame) {
        ByteBuf bytes = Unpooled.wrappedBuffer(frame);
        int end = bytes.indexOf(0, bytes.writerIndex(), (byte) '\n');
        if (end < 0) {
            throw new IllegalArgumentException("a live message of topic '" + topic + "' without its header");
        }
        String[] header = bytes.toString(0, end, StandardCharsets.US_ASCII).split(":");
        if (header.length != 3) {
            throw new IllegalArgumentException("a live message of topic '" + topic + "' with a bad header");
        }
        long epoch = Long.parseLong(header[0]);
        long sequence = Long.parseLong(header[1]);
        long time = Long.parseLong(header[2]);
        bytes.readerIndex(end + 1);
        Origin origin = readOrigin(bytes);
        List<Message> messages = new ArrayList<>();
        split(frame, bytes, topic, topicUtf8, new Position(epoch, sequence), time, origin, sequence, Integer.MAX_VALUE,
                Long.MAX_VALUE, messages);
        return messages;
    }

    /**
     * The messages of a read's log entries ({@code [id, [d, burst, t, time, o, origin, n, count, z, offsets]]}; see
     * {@link Burst}), of {@code epoch}, from sequence {@code from} on, at most {@code max} and about
     * {@code maxBytes} of payload (one at least), each holding one reference. An entry may start before
     * {@code from}: what comes before it is left out.
     */
    List<Message> entries(String topic, byte[] topicUtf8, long epoch, long from, int max, long maxBytes,
                          List<?> entries) {
        List<Message> messages = new ArrayList<>();
        long bytes = 0;
        for (Object item : entries) {
            List<?> entry = (List<?>) item;
            String id = new String((byte[]) entry.get(0), StandardCharsets.US_ASCII);
            long first = Long.parseLong(id.substring(0, id.indexOf('-')));
            List<?> fields = (List<?>) entry.get(1);
            byte[] burst = (byte[]) fields.get(1);
            long time = Long.parseLong(new String((byte[]) fields.get(3), StandardCharsets.US_ASCII));
            Origin origin = readOrigin(Unpooled.wrappedBuffer((byte[]) fields.get(5)));
            ByteBuf reading = Unpooled.wrappedBuffer(burst);
            bytes += split(burst, reading, topic, topicUtf8, new Position(epoch, first), time, origin, from, max,
                    maxBytes - bytes, messages);
            if (reading.isReadable()) {
                // Stopped at a bound: what follows would leave a hole.
                break;
            }
        }
        return messages;
    }

    /**
     * Adds to {@code out} the payloads {@code bytes} holds from its reader index on (each after its length, views of
     * {@code array}), numbered from {@code first}, leaving out those before {@code from}, and stopping when
     * {@code out} holds {@code max} or the next would pass {@code maxBytes} (unless {@code out} is empty). Returns
     * the payload bytes added.
     */
    private static long split(byte[] array, ByteBuf bytes, String topic, byte[] topicUtf8, Position first, long time,
                              Origin origin, long from, int max, long maxBytes, List<Message> out) {
        long sequence = first.sequence();
        long added = 0;
        while (bytes.isReadable() && out.size() < max) {
            int length = bytes.readInt();
            if (sequence >= from) {
                if (!out.isEmpty() && added + length > maxBytes) {
                    break;
                }
                // A view of the array: no copy, and nothing to release but the message.
                ByteBuf payload = Unpooled.wrappedBuffer(array, bytes.readerIndex(), length);
                out.add(Message.of(topic, topicUtf8, new Position(first.epoch(), sequence), payload, time, origin));
                added += length;
            }
            bytes.skipBytes(length);
            sequence++;
        }
        return added;
    }

    /** A decimal number a script returned as text. */
    static long number(Object value) {
        if (value instanceof Long number) {
            return number;
        }
        return Long.parseLong(new String((byte[]) value, StandardCharsets.US_ASCII));
    }

    /** Text a script returned. */
    static String text(Object value) {
        return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value);
    }
}
