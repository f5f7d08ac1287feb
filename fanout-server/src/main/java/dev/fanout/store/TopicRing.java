package dev.fanout.store;

import dev.fanout.hub.TopicState;
import java.util.ArrayList;
import java.util.List;

/**
 * One topic's history: its epoch and numbering, and its newest entries in a circular array that grows up to the
 * per-topic bound. An entry is whatever the store keeps per message ({@link Kept} tells the ring about it): the
 * message itself in memory, where it lies on disk. Guarded by its own monitor: the store locks a ring while it
 * works on it.
 *
 * @param <T> the kind of entry
 */
public class TopicRing<T> {

    private final Kept<T> kept;
    private long epoch;
    /** Sequence number of the oldest entry held; last + 1 when none is. */
    private long first = 1;
    private long last;
    /** The first sequence number of this epoch here: what was before it was never held. */
    private long epochFirst = 1;
    /**
     * The publish time of the newest message of this epoch let go (trimmed, or never kept with history off), or
     * {@link Long#MIN_VALUE} while none was: a {@link #firstSince} before it cannot be answered from what is held.
     */
    private long newestGoneAtMillis = Long.MIN_VALUE;
    private Object[] slots = new Object[0];
    /** Index of the oldest entry held. */
    private int head;
    private int count;
    private long bytes;

    public TopicRing(Kept<T> kept, long epoch) {
        this.kept = kept;
        this.epoch = epoch;
    }

    public long epoch() {
        return epoch;
    }

    public long first() {
        return first;
    }

    public long last() {
        return last;
    }

    public long epochFirst() {
        return epochFirst;
    }

    public long newestGoneAtMillis() {
        return newestGoneAtMillis;
    }

    public long bytes() {
        return bytes;
    }

    public int count() {
        return count;
    }

    public TopicState state() {
        return new TopicState(epoch, first, last);
    }

    /**
     * Takes the numbering a durable store recorded: the epoch, its first sequence, the next sequence and when
     * the newest message let go was published. Holds nothing after; returns the bytes let go.
     */
    public long reset(long newEpoch, long newEpochFirst, long next, long goneAtMillis) {
        long freed = clear();
        epoch = newEpoch;
        epochFirst = newEpochFirst;
        first = next;
        last = next - 1;
        newestGoneAtMillis = goneAtMillis;
        return freed;
    }

    /**
     * Puts what the ring holds, and its numbering, in {@code newEpoch}: the same messages at the same numbers,
     * which a client of the old epoch is told are another stream now.
     */
    public void changeEpoch(long newEpoch) {
        epoch = newEpoch;
    }

    /** Starts afresh in {@code newEpoch}, the next message being {@code next}; returns the bytes let go. */
    public long restart(long newEpoch, long next) {
        return reset(newEpoch, next, next, Long.MIN_VALUE);
    }

    /**
     * Skips ahead so that the next message is {@code next}, published at {@code atMillis}, letting go of what is
     * held; the numbers skipped count as gone at that moment. Returns the bytes let go.
     */
    public long skipTo(long next, long atMillis) {
        return reset(epoch, epochFirst, next, Math.max(newestGoneAtMillis, atMillis));
    }

    /** The sequence number the next message gets. */
    public long next() {
        return last + 1;
    }

    /** Numbers a message published at {@code atMillis} that is not kept (history off): it is gone at once. */
    public void skipOne(long atMillis) {
        newestGoneAtMillis = Math.max(newestGoneAtMillis, atMillis);
        last++;
        if (count == 0) {
            first = last + 1;
        }
    }

    /**
     * Keeps {@code entry}, numbered {@link #next()}, within the per-topic bounds of {@code limits}, letting go of the
     * oldest as needed; with history off it only numbers it and lets it go at once. Returns the change in bytes held.
     */
    public long keep(T entry, HistoryLimits limits) {
        long publishedAt = kept.publishedAtMillis(entry);
        if (limits.maxMessages() == 0) {
            skipOne(publishedAt);
            kept.release(entry);
            return 0;
        }
        long change = 0;
        if (limits.expires()) {
            change -= trimOlderThan(publishedAt - limits.maxAge().toMillis());
        }
        while (count >= limits.maxMessages()) {
            change -= trimOldest();
        }
        change += add(entry, limits.maxMessages());
        while (bytes > limits.maxBytes()) {
            change -= trimOldest();
        }
        return change;
    }

    /** Keeps {@code entry}, numbered {@link #next()}, with room for up to {@code capacity}; returns its bytes. */
    public long add(T entry, int capacity) {
        if (count == slots.length) {
            grow(capacity);
        }
        slots[(head + count) % slots.length] = entry;
        count++;
        last = kept.sequence(entry);
        long size = kept.size(entry);
        bytes += size;
        return size;
    }

    /** Lets go of the oldest entry held; returns its bytes, 0 if none is held. */
    public long trimOldest() {
        if (count == 0) {
            return 0;
        }
        T oldest = at(0);
        slots[head] = null;
        head = (head + 1) % slots.length;
        count--;
        first++;
        long size = kept.size(oldest);
        bytes -= size;
        newestGoneAtMillis = Math.max(newestGoneAtMillis, kept.publishedAtMillis(oldest));
        kept.release(oldest);
        return size;
    }

    /** Lets go of the entries published before {@code millis}; returns their bytes. */
    public long trimOlderThan(long millis) {
        long freed = 0;
        while (count > 0 && kept.publishedAtMillis(at(0)) < millis) {
            freed += trimOldest();
        }
        return freed;
    }

    /**
     * The entries from {@code from} on, up to {@code maxMessages} and about {@code maxBytes} (at least one), in
     * order; the caller takes what it needs of them before the ring's lock is let go.
     */
    public List<T> read(long from, int maxMessages, long maxBytes) {
        long start = Math.max(from, first);
        List<T> out = new ArrayList<>();
        long taken = 0;
        for (long seq = start; seq <= last && out.size() < maxMessages && (out.isEmpty() || taken < maxBytes); seq++) {
            T held = at(seq - first);
            out.add(held);
            taken += kept.size(held);
        }
        return out;
    }

    /** Every entry held, oldest first. */
    public List<T> entries() {
        return read(first, Integer.MAX_VALUE, Long.MAX_VALUE);
    }

    /** The entry of sequence {@code seq}, or null if it is not held. */
    public T find(long seq) {
        return seq < first || seq > last ? null : at(seq - first);
    }

    /**
     * The first sequence held that was published at or after {@code millis}, last + 1 if none; the epoch's first
     * if messages published since then are gone. Publish times only grow within a topic (the hub stamps them in
     * order), so a binary search finds it.
     */
    public long firstSince(long millis) {
        if (newestGoneAtMillis >= millis) {
            return epochFirst;
        }
        int low = 0;
        int high = count;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (kept.publishedAtMillis(at(middle)) < millis) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return first + low;
    }

    /** Lets go of everything held; returns the bytes. */
    public long clear() {
        long freed = bytes;
        while (count > 0) {
            trimOldest();
        }
        first = last + 1;
        return freed;
    }

    @SuppressWarnings("unchecked")
    private T at(long index) {
        return (T) slots[(int) ((head + index) % slots.length)];
    }

    private void grow(int capacity) {
        int size = Math.max(1, Math.min(capacity, Math.max(16, slots.length * 2)));
        Object[] grown = new Object[size];
        for (int i = 0; i < count; i++) {
            grown[i] = slots[(head + i) % slots.length];
        }
        slots = grown;
        head = 0;
    }
}
