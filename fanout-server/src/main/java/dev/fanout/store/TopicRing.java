package dev.fanout.store;

import dev.fanout.hub.Message;
import dev.fanout.hub.TopicState;
import java.util.ArrayList;
import java.util.List;

/**
 * One topic's history in memory: its epoch and numbering, and its newest messages in a circular array that
 * grows up to the per-topic bound. Guarded by its own monitor: the store locks a ring while it works on it.
 */
final class TopicRing {

    final byte[] topicUtf8;
    private long epoch;
    /** Sequence number of the oldest message held; last + 1 when none is. */
    private long first = 1;
    private long last;
    /** The first sequence number of this epoch here: what was before it was never held. */
    private long epochFirst = 1;
    /**
     * The publish time of the newest message of this epoch let go (trimmed, or never kept with history off), or
     * {@link Long#MIN_VALUE} while none was: a {@link #firstSince} before it cannot be answered from what is held.
     */
    private long newestGoneAtMillis = Long.MIN_VALUE;
    private Message[] slots = new Message[0];
    /** Index of the oldest message held. */
    private int head;
    private int count;
    private long bytes;

    TopicRing(byte[] topicUtf8, long epoch) {
        this.topicUtf8 = topicUtf8;
        this.epoch = epoch;
    }

    long epoch() {
        return epoch;
    }

    long last() {
        return last;
    }

    long bytes() {
        return bytes;
    }

    int count() {
        return count;
    }

    TopicState state() {
        return new TopicState(epoch, first, last);
    }

    /** Starts afresh in {@code newEpoch}, the next message being {@code next}; returns the bytes let go. */
    long restart(long newEpoch, long next) {
        long freed = clear();
        epoch = newEpoch;
        first = next;
        last = next - 1;
        epochFirst = next;
        newestGoneAtMillis = Long.MIN_VALUE;
        return freed;
    }

    /**
     * Skips ahead so that the next message is {@code next}, published at {@code atMillis}, letting go of what is
     * held; the numbers skipped count as gone at that moment. Returns the bytes let go.
     */
    long skipTo(long next, long atMillis) {
        long freed = clear();
        first = next;
        last = next - 1;
        newestGoneAtMillis = Math.max(newestGoneAtMillis, atMillis);
        return freed;
    }

    /** The sequence number the next message gets. */
    long next() {
        return last + 1;
    }

    /** Numbers a message published at {@code atMillis} that is not kept (history off): it is gone at once. */
    void skipOne(long atMillis) {
        newestGoneAtMillis = Math.max(newestGoneAtMillis, atMillis);
        last++;
        if (count == 0) {
            first = last + 1;
        }
    }

    /** Keeps {@code message} (which takes this ring's reference), numbered {@link #next()}; returns its bytes. */
    long add(Message message, int capacity) {
        if (count == slots.length) {
            grow(capacity);
        }
        slots[(head + count) % slots.length] = message;
        count++;
        last = message.sequence();
        long size = message.memorySize();
        bytes += size;
        return size;
    }

    /** Lets go of the oldest message held; returns its bytes, 0 if none is held. */
    long trimOldest() {
        if (count == 0) {
            return 0;
        }
        Message oldest = slots[head];
        slots[head] = null;
        head = (head + 1) % slots.length;
        count--;
        first++;
        long size = oldest.memorySize();
        bytes -= size;
        newestGoneAtMillis = Math.max(newestGoneAtMillis, oldest.publishedAtMillis());
        oldest.release();
        return size;
    }

    /**
     * Up to {@code maxMessages} held messages from {@code from} on, and about {@code maxBytes}: a reference each,
     * which the caller releases.
     */
    List<Message> read(long from, int maxMessages, long maxBytes) {
        long start = Math.max(from, first);
        List<Message> out = new ArrayList<>();
        long taken = 0;
        for (long seq = start; seq <= last && out.size() < maxMessages && (out.isEmpty() || taken < maxBytes); seq++) {
            Message held = slots[(int) ((head + (seq - first)) % slots.length)];
            out.add(held.retain());
            taken += held.size();
        }
        return out;
    }

    /**
     * The first sequence held that was published at or after {@code millis}, last + 1 if none; the epoch's first
     * if messages published since then are gone. Publish times only grow within a topic (the hub stamps them in
     * order), so a binary search finds it.
     */
    long firstSince(long millis) {
        if (newestGoneAtMillis >= millis) {
            return epochFirst;
        }
        int low = 0;
        int high = count;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (slots[(head + middle) % slots.length].publishedAtMillis() < millis) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return first + low;
    }

    /** Lets go of everything held; returns the bytes. */
    long clear() {
        long freed = bytes;
        while (count > 0) {
            trimOldest();
        }
        first = last + 1;
        return freed;
    }

    private void grow(int capacity) {
        int size = Math.max(1, Math.min(capacity, Math.max(16, slots.length * 2)));
        Message[] grown = new Message[size];
        for (int i = 0; i < count; i++) {
            grown[i] = slots[(head + i) % slots.length];
        }
        slots = grown;
        head = 0;
    }
}
