package dev.fanout.store.redis;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Payloads published together, in the form a topic's log keeps them: entries of about {@link #ENTRY_BYTES} each
 * (one payload at least), each with its {@link Entry#data} (each payload after its length, u32 big-endian) and
 * {@link Entry#offsets} (where each length starts in the data, u32 each, then the data's length). An entry per
 * burst rather than per message keeps Redis's work per message small; the offsets let the script trim and read
 * part of an entry without walking it; the size bound keeps what a read of a few messages brings back near what
 * it asked for.
 */
final class Burst {

    /** About the most payload bytes of one log entry: a resuming client's read. */
    static final int ENTRY_BYTES = 64 * 1024;

    /** One log entry's part of the burst. */
    record Entry(byte[] data, byte[] offsets, int count) {
    }

    private final List<Entry> entries;
    private final int count;

    private Burst(List<Entry> entries, int count) {
        this.entries = entries;
        this.count = count;
    }

    /** Copies {@code payloads} into a burst, and releases them. */
    static Burst of(List<ByteBuf> payloads) {
        List<Entry> entries = new ArrayList<>();
        try {
            int from = 0;
            while (from < payloads.size()) {
                int to = from;
                int size = 0;
                long payloadBytes = 0;
                do {
                    int length = payloads.get(to++).readableBytes();
                    size += Integer.BYTES + length;
                    payloadBytes += length;
                } while (to < payloads.size() && payloadBytes + payloads.get(to).readableBytes() <= ENTRY_BYTES);
                entries.add(entry(payloads.subList(from, to), size));
                from = to;
            }
        } finally {
            payloads.forEach(ByteBuf::release);
        }
        return new Burst(List.copyOf(entries), payloads.size());
    }

    private static Entry entry(List<ByteBuf> payloads, int size) {
        byte[] data = new byte[size];
        ByteBuffer offsets = ByteBuffer.allocate(Integer.BYTES * (payloads.size() + 1));
        ByteBuffer writing = ByteBuffer.wrap(data);
        for (ByteBuf payload : payloads) {
            int length = payload.readableBytes();
            offsets.putInt(writing.position());
            writing.putInt(length);
            payload.getBytes(payload.readerIndex(), data, writing.position(), length);
            writing.position(writing.position() + length);
        }
        offsets.putInt(size);
        return new Entry(data, offsets.array(), payloads.size());
    }

    /** The log entries, in order. */
    List<Entry> entries() {
        return entries;
    }

    /** How many payloads. */
    int count() {
        return count;
    }

    /** The payloads, in order, as views of the entries' data: no copy, nothing to release but what holds them. */
    List<ByteBuf> payloads() {
        List<ByteBuf> payloads = new ArrayList<>(count);
        for (Entry entry : entries) {
            ByteBuffer data = ByteBuffer.wrap(entry.data());
            for (int at = 0; at < entry.data().length; ) {
                int length = data.getInt(at);
                payloads.add(Unpooled.wrappedBuffer(entry.data(), at + Integer.BYTES, length));
                at += Integer.BYTES + length;
            }
        }
        return payloads;
    }
}
