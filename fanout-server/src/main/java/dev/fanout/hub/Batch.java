package dev.fanout.hub;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.util.Arrays;
import java.util.List;

/**
 * The messages one event loop hands to its subscribers in one go, in sequence order.
 *
 * <p>For each wire form, the whole batch is encoded once into one buffer that every subscriber on the loop
 * writes (a shared duplicate), so a burst costs each subscriber one write rather than one per message. A
 * subscriber never receives its own messages: where the batch holds some, it gets slices of the shared
 * buffer around them. Loop-confined; the drain task releases the batch when every subscriber has had it.
 */
public final class Batch {

    private final List<Message> messages;
    private final ByteBufAllocator alloc;
    /** Distinct publishing client ids, sorted, and how many messages each published in this batch. */
    private final long[] origins;
    private final int[] originCounts;
    private final ByteBuf[] shared = new ByteBuf[Encoding.values().length];
    private final SharedBytes[] sharedBytes = new SharedBytes[Encoding.values().length];
    /** Per encoding, where each message's bytes end in the shared buffer; made when first needed. */
    private final int[][] ends = new int[Encoding.values().length][];

    Batch(List<Message> messages, ByteBufAllocator alloc) {
        this.messages = messages;
        this.alloc = alloc;
        long[] ids = new long[messages.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = messages.get(i).origin().clientId();
        }
        Arrays.sort(ids);
        int distinct = 0;
        int[] counts = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            if (distinct == 0 || ids[distinct - 1] != ids[i]) {
                ids[distinct++] = ids[i];
            }
            counts[distinct - 1]++;
        }
        this.origins = Arrays.copyOf(ids, distinct);
        this.originCounts = Arrays.copyOf(counts, distinct);
    }

    /** Every message of the batch, in sequence order. */
    public List<Message> messages() {
        return messages;
    }

    /** The messages subscriber {@code subscriberId} should get: all but its own. */
    public List<Message> messagesFor(long subscriberId) {
        if (published(subscriberId) == 0) {
            return messages;
        }
        return messages.stream().filter(m -> m.origin().clientId() != subscriberId).toList();
    }

    /** How many messages subscriber {@code subscriberId} should get. */
    public int sizeFor(long subscriberId) {
        return messages.size() - published(subscriberId);
    }

    /**
     * The wire bytes of the messages subscriber {@code subscriberId} should get, in {@code encoding}, or null
     * when there are none. The caller owns the returned buffer (a duplicate or slices of the shared bytes) and
     * must release it.
     */
    public ByteBuf encodedFor(Encoding encoding, long subscriberId) {
        int own = published(subscriberId);
        if (own == messages.size()) {
            return null;
        }
        ByteBuf all = shared(encoding);
        if (own == 0) {
            return all.retainedDuplicate();
        }
        int[] end = ends(encoding);
        CompositeByteBuf parts = alloc.compositeDirectBuffer(messages.size() - own);
        int runStart = -1;
        for (int i = 0; i <= messages.size(); i++) {
            boolean keep = i < messages.size() && messages.get(i).origin().clientId() != subscriberId;
            if (keep && runStart < 0) {
                runStart = i;
            } else if (!keep && runStart >= 0) {
                int from = runStart == 0 ? 0 : end[runStart - 1];
                parts.addComponent(true, all.retainedSlice(from, end[i - 1] - from));
                runStart = -1;
            }
        }
        return parts;
    }

    /**
     * The memory behind what {@link #encodedFor} returns in {@code encoding}: every subscriber's bytes are
     * views of one shared buffer, which a memory bound should count once.
     */
    public SharedBytes sharedBytes(Encoding encoding) {
        int slot = encoding.ordinal();
        if (sharedBytes[slot] == null) {
            sharedBytes[slot] = new SharedBytes(shared(encoding).readableBytes());
        }
        return sharedBytes[slot];
    }

    private int published(long clientId) {
        int at = Arrays.binarySearch(origins, clientId);
        return at < 0 ? 0 : originCounts[at];
    }

    /** The whole batch in one encoding, made on first use; a batch of one is that message's own bytes. */
    private ByteBuf shared(Encoding encoding) {
        int slot = encoding.ordinal();
        if (shared[slot] == null) {
            if (messages.size() == 1) {
                shared[slot] = messages.get(0).encoded(encoding).retainedDuplicate();
            } else {
                int[] end = ends(encoding);
                ByteBuf joined = alloc.directBuffer(end[end.length - 1]);
                for (Message message : messages) {
                    encoding.writeTo(message, joined);
                }
                shared[slot] = joined;
            }
        }
        return shared[slot];
    }

    private int[] ends(Encoding encoding) {
        int slot = encoding.ordinal();
        if (ends[slot] == null) {
            int[] end = new int[messages.size()];
            int at = 0;
            for (int i = 0; i < end.length; i++) {
                at += encoding.size(messages.get(i));
                end[i] = at;
            }
            ends[slot] = end;
        }
        return ends[slot];
    }

    /** Releases the shared bytes and the batch's references to its messages. */
    void release() {
        for (int i = 0; i < shared.length; i++) {
            if (shared[i] != null) {
                shared[i].release();
                shared[i] = null;
            }
        }
        for (Message message : messages) {
            message.release();
        }
    }
}
