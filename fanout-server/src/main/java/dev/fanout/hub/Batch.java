package dev.fanout.hub;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The messages one event loop hands to its subscribers in one go, in sequence order.
 *
 * <p>For each wire form, the whole batch is encoded once into one buffer that every subscriber on the loop
 * writes (a shared duplicate), so a burst costs each subscriber one write rather than one per message. A
 * subscriber does not receive its own messages unless it asks to ({@link #ECHO}): where the batch holds some,
 * it gets slices of the shared buffer around them. Loop-confined; the drain task releases the batch when every
 * subscriber has had it.
 */
public final class Batch {

    /** The subscriber id to pass for a subscriber that also wants its own messages (an echoing subscription). */
    public static final long ECHO = -1;

    private final List<Message> messages;
    private final ByteBufAllocator alloc;
    /** Distinct publishing client ids, sorted, and how many messages each published in this batch. */
    private final long[] origins;
    private final int[] originCounts;
    /** The forms made so far: few per batch (one per protocol, one per subscription id in use). */
    private final List<Encoded> forms = new ArrayList<>(2);

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

    /** The messages subscriber {@code subscriberId} should get: all but its own ({@link #ECHO}: all). */
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
     * The wire bytes of the messages subscriber {@code subscriberId} should get, in {@code form}, or null when
     * there are none. The caller owns the returned buffer (a duplicate or slices of the shared bytes) and must
     * release it.
     */
    public ByteBuf encodedFor(MessageForm form, long subscriberId) {
        int own = published(subscriberId);
        if (own == messages.size()) {
            return null;
        }
        Encoded encoded = encoded(form);
        ByteBuf all = encoded.bytes;
        if (own == 0) {
            return all.retainedDuplicate();
        }
        int[] end = encoded.ends;
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
     * The memory behind what {@link #encodedFor} returns in {@code form}: every subscriber's bytes are views of
     * one shared buffer, which a memory bound should count once.
     */
    public SharedBytes sharedBytes(MessageForm form) {
        Encoded encoded = encoded(form);
        if (encoded.sharedBytes == null) {
            encoded.sharedBytes = new SharedBytes(encoded.bytes.readableBytes());
        }
        return encoded.sharedBytes;
    }

    private int published(long clientId) {
        if (clientId == ECHO) {
            return 0;
        }
        int at = Arrays.binarySearch(origins, clientId);
        return at < 0 ? 0 : originCounts[at];
    }

    /** The whole batch in one form, made on first use. */
    private Encoded encoded(MessageForm form) {
        for (int i = 0; i < forms.size(); i++) {
            Encoded made = forms.get(i);
            if (made.form.equals(form)) {
                return made;
            }
        }
        // Sized exactly: memory bounds count the bytes written, so the buffer must hold no more than that. A chat
        // line is rendered twice for it (once to measure); frames and MSGs know their size without writing.
        int[] end = ends(form);
        ByteBuf joined = alloc.directBuffer(end[end.length - 1]);
        for (Message message : messages) {
            form.writeTo(message, joined);
        }
        Encoded made = new Encoded(form, joined, end);
        forms.add(made);
        return made;
    }

    /** Where each message ends in the batch's bytes in {@code form}. */
    private int[] ends(MessageForm form) {
        int[] end = new int[messages.size()];
        int at = 0;
        for (int i = 0; i < end.length; i++) {
            at += form.size(messages.get(i));
            end[i] = at;
        }
        return end;
    }

    /** Releases the shared bytes and the batch's references to its messages. */
    void release() {
        for (Encoded encoded : forms) {
            encoded.bytes.release();
        }
        forms.clear();
        for (Message message : messages) {
            message.release();
        }
    }

    /** The batch in one form: the shared bytes, where each message ends in them, and their memory. */
    private final class Encoded {
        private final MessageForm form;
        private final ByteBuf bytes;
        private final int[] ends;
        private SharedBytes sharedBytes;

        Encoded(MessageForm form, ByteBuf bytes, int[] ends) {
            this.form = form;
            this.bytes = bytes;
            this.ends = ends;
        }
    }
}
