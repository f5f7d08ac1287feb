package dev.fanout.store.disk;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The log's record format. Every record is {@code length u32 | crc32c u32 | type u8 | topic u32 | sequence u64 |
 * time u64 | payload}, big-endian: the length counts the bytes after the CRC, and the CRC (Castagnoli) covers them.
 * Three types:
 * <ul>
 *   <li>{@link #APPEND}: a message of a topic, at its sequence number, published at its time; its payload is
 *       {@code client u64 | nameLength u16 | name (UTF-8) | message}: who published it (the client's number in
 *       the run that wrote it, and the name shown to people, as chat shows it), then the message;</li>
 *   <li>{@link #TOPIC}: topic {@code topic} is named {@code name}, is in epoch {@code epoch} (whose first
 *       sequence was {@code epochFirst}), holds nothing yet and numbers its next message {@code sequence}; the
 *       newest message of the epoch let go was published at {@code time}. Its payload is {@code epoch u64 |
 *       epochFirst u64 | name (UTF-8)}. It starts a topic, a new epoch, a jump in numbering, and each topic of a
 *       rewritten log;</li>
 *   <li>{@link #FORGET}: the topic is gone, with its history;</li>
 *   <li>{@link #EPOCH}: the topic keeps what it holds and its numbering, in the epoch its payload
 *       ({@code epoch u64}) gives: recovery renews epochs this way when acknowledged messages may be lost.</li>
 * </ul>
 * A reader knows a record is whole and its own when the length is within bounds, all its bytes are there and the
 * CRC matches: what a torn write, appended garbage or a flipped bit leaves fails one of these.
 */
final class LogRecord {

    /** A message of a topic. */
    static final byte APPEND = 1;
    /** A topic's name, epoch and numbering. */
    static final byte TOPIC = 2;
    /** A topic forgotten. */
    static final byte FORGET = 3;
    /** A topic's history put in a new epoch. */
    static final byte EPOCH = 4;

    /** Bytes before a record's payload: length, CRC, type, topic, sequence, time. */
    static final int HEADER_BYTES = 29;
    /** Bytes the length and CRC take. */
    static final int PREFIX_BYTES = 8;
    /** The smallest length a record can have: its header after the CRC, no payload. */
    static final int MIN_LENGTH = HEADER_BYTES - PREFIX_BYTES;
    /** The largest length a record may have: 1 GiB, well past the largest frame a server accepts. */
    static final int MAX_LENGTH = 1 << 30;

    private static final int TYPE = 8;
    private static final int TOPIC_ID = 9;
    private static final int SEQUENCE = 13;
    private static final int TIME = 21;

    private LogRecord() {
    }

    /** Bytes an {@link #APPEND} record takes besides its message and its publisher's name. */
    static final int APPEND_OVERHEAD = HEADER_BYTES + 10;
    /** The longest publisher name kept, in UTF-8 bytes; longer ones are cut. */
    static final int MAX_NAME_BYTES = 1024;

    /**
     * Appends an {@link #APPEND} record of {@code payload} (read in place) from client {@code client} named
     * {@code name} (UTF-8, at most {@link #MAX_NAME_BYTES}) to {@code out}; returns its size.
     */
    static int writeAppend(ByteBuf out, int topicId, long sequence, long time, long client, byte[] name,
                           ByteBuf payload, CRC32C crc) {
        int start = out.writerIndex();
        writeHeader(out, APPEND_OVERHEAD - PREFIX_BYTES + name.length + payload.readableBytes(), APPEND, topicId,
                sequence, time);
        out.writeLong(client);
        out.writeShort(name.length);
        out.writeBytes(name);
        out.writeBytes(payload, payload.readerIndex(), payload.readableBytes());
        return seal(out, start, crc);
    }

    /** Appends a {@link #TOPIC} record to {@code out}; returns its size. */
    static int writeTopic(ByteBuf out, int topicId, TopicHeader header, byte[] name, CRC32C crc) {
        int start = out.writerIndex();
        writeHeader(out, MIN_LENGTH + 16 + name.length, TOPIC, topicId, header.next(), header.goneAtMillis());
        out.writeLong(header.epoch());
        out.writeLong(header.epochFirst());
        out.writeBytes(name);
        return seal(out, start, crc);
    }

    /** Appends an {@link #EPOCH} record to {@code out}; returns its size. */
    static int writeEpoch(ByteBuf out, int topicId, long epoch, long time, CRC32C crc) {
        int start = out.writerIndex();
        writeHeader(out, MIN_LENGTH + 8, EPOCH, topicId, 0, time);
        out.writeLong(epoch);
        return seal(out, start, crc);
    }

    /** The epoch an {@link #EPOCH} record at {@code position} gives. */
    static long epoch(ByteBuffer buffer, int position) {
        return buffer.getLong(position + HEADER_BYTES);
    }

    /** Appends a {@link #FORGET} record to {@code out}; returns its size. */
    static int writeForget(ByteBuf out, int topicId, long time, CRC32C crc) {
        int start = out.writerIndex();
        writeHeader(out, MIN_LENGTH, FORGET, topicId, 0, time);
        return seal(out, start, crc);
    }

    private static void writeHeader(ByteBuf out, int length, byte type, int topicId, long sequence, long time) {
        out.writeInt(length);
        out.writeInt(0);
        out.writeByte(type);
        out.writeInt(topicId);
        out.writeLong(sequence);
        out.writeLong(time);
    }

    private static int seal(ByteBuf out, int start, CRC32C crc) {
        int size = out.writerIndex() - start;
        crc.reset();
        crc.update(out.nioBuffer(start + PREFIX_BYTES, size - PREFIX_BYTES));
        out.setInt(start + 4, (int) crc.getValue());
        return size;
    }

    /** What the bytes at a record's start turned out to be. */
    enum Check {
        /** A whole record whose CRC matches. */
        WHOLE,
        /** Fewer bytes than the record needs: a torn write, if nothing follows. */
        SHORT,
        /** A length no record can have. */
        BAD_LENGTH,
        /** All bytes there, but the CRC does not match. */
        BAD_CRC,
        /** A whole record of a type this version does not know. */
        BAD_TYPE
    }

    /**
     * Looks at the record starting at {@code position} of {@code buffer}, of which {@code available} bytes from
     * there are valid.
     */
    static Check check(ByteBuffer buffer, int position, int available, CRC32C crc) {
        if (available < PREFIX_BYTES) {
            return Check.SHORT;
        }
        int length = buffer.getInt(position);
        if (length < MIN_LENGTH || length > MAX_LENGTH) {
            return Check.BAD_LENGTH;
        }
        if (available - PREFIX_BYTES < length) {
            return Check.SHORT;
        }
        crc.reset();
        crc.update(buffer.slice(position + PREFIX_BYTES, length));
        if ((int) crc.getValue() != buffer.getInt(position + 4)) {
            return Check.BAD_CRC;
        }
        byte type = type(buffer, position);
        return type == APPEND || type == TOPIC || type == FORGET || type == EPOCH ? Check.WHOLE : Check.BAD_TYPE;
    }

    /** The size of the record at {@code position}, its length prefix and CRC included. */
    static int size(ByteBuffer buffer, int position) {
        return PREFIX_BYTES + buffer.getInt(position);
    }

    static byte type(ByteBuffer buffer, int position) {
        return buffer.get(position + TYPE);
    }

    static int topicId(ByteBuffer buffer, int position) {
        return buffer.getInt(position + TOPIC_ID);
    }

    static long sequence(ByteBuffer buffer, int position) {
        return buffer.getLong(position + SEQUENCE);
    }

    static long time(ByteBuffer buffer, int position) {
        return buffer.getLong(position + TIME);
    }

    /** The payload's size of the record at {@code position}. */
    static int payloadSize(ByteBuffer buffer, int position) {
        return size(buffer, position) - HEADER_BYTES;
    }

    /** Whether the {@link #APPEND} record at {@code position} (a whole one) has room for what its payload says. */
    static boolean appendFits(ByteBuffer buffer, int position) {
        return payloadSize(buffer, position) >= APPEND_OVERHEAD - HEADER_BYTES
                && nameSize(buffer, position) <= payloadSize(buffer, position) - (APPEND_OVERHEAD - HEADER_BYTES);
    }

    /** The publishing client's number in an {@link #APPEND} record. */
    static long client(ByteBuffer buffer, int position) {
        return buffer.getLong(position + HEADER_BYTES);
    }

    private static int nameSize(ByteBuffer buffer, int position) {
        return Short.toUnsignedInt(buffer.getShort(position + HEADER_BYTES + 8));
    }

    /** The publisher's name in an {@link #APPEND} record. */
    static String name(ByteBuffer buffer, int position) {
        byte[] name = new byte[nameSize(buffer, position)];
        buffer.get(position + APPEND_OVERHEAD, name);
        return new String(name, StandardCharsets.UTF_8);
    }

    /** Where the message of an {@link #APPEND} record starts, from the record's start. */
    static int messageOffset(ByteBuffer buffer, int position) {
        return APPEND_OVERHEAD + nameSize(buffer, position);
    }

    /** The numbering a {@link #TOPIC} record at {@code position} gives. */
    static TopicHeader topicHeader(ByteBuffer buffer, int position) {
        return new TopicHeader(buffer.getLong(position + HEADER_BYTES), buffer.getLong(position + HEADER_BYTES + 8),
                sequence(buffer, position), time(buffer, position));
    }

    /** The name a {@link #TOPIC} record at {@code position} gives, in UTF-8. */
    static byte[] topicName(ByteBuffer buffer, int position) {
        byte[] name = new byte[payloadSize(buffer, position) - 16];
        buffer.get(position + HEADER_BYTES + 16, name);
        return name;
    }
}
