package dev.fanout.server.session;

import dev.fanout.hub.SharedBytes;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.WriteBufferWaterMark;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * One session's bounded outbound queue.
 *
 * <p>While the connection is writable, messages go straight to it (a shared duplicate, never a copy). Once
 * the connection holds more than its high-water mark, messages wait here. Everything handed over and not yet
 * written to the socket counts as held, checked before anything is queued: its bytes plus
 * {@link #ENTRY_OVERHEAD} per entry and {@link #BUFFER_OVERHEAD} per buffer against the session's
 * {@link QueueLimits}, and the same against the server-wide {@link QueueBudget}, except that a buffer several
 * sessions share is counted there once.
 *
 * <p>A consumer is slow when its socket will not take more, not when the server has not yet got round to
 * writing to it: before a limit counts as hit, whatever was written but not flushed is flushed and whatever
 * waits is handed to the connection while it takes it. Only then does the policy decide: report an overflow
 * (the session closes) or drop the oldest waiting messages. Loop-confined: every method but
 * {@link #queuedBytes()} and {@link #markCut()} runs on the session's event loop.
 */
final class OutboundQueue {

    /**
     * Heap bytes one entry costs besides its bytes: the entry and its duplicate buffer, and while the connection
     * holds it (as it holds every entry while the socket takes them) also the write's promise and Netty's own
     * per-write entry: 193 to 197 bytes measured on JDK 17 with compressed pointers, 85 while it waits here.
     * Rounded up: tiny messages published one by one cost more in objects than in bytes, and the limits must
     * count what they really cost.
     */
    static final int ENTRY_OVERHEAD = 208;

    /**
     * Heap bytes the buffer behind an entry costs besides its bytes (its object, and for a batch the object that
     * counts its holders: 130 to 148 bytes measured), counted with its bytes: by each queue that holds a view of
     * it, and by the server-wide budget once.
     */
    static final int BUFFER_OVERHEAD = 160;

    /**
     * Heap bytes an entry of numbered messages (a control subscription's) costs beyond {@link #ENTRY_OVERHEAD}:
     * whom to tell if it is dropped, and its sequence range.
     */
    static final int DELIVERY_OVERHEAD = 24;

    /** Most bytes the connection itself holds before it turns unwritable: Netty's default high-water mark. */
    static final int MAX_HIGH_WATER_MARK = 64 * 1024;

    /** How an offer ended. */
    enum Offer {
        /** Written to the connection or queued (or, under drop-oldest, counted as dropped). */
        ACCEPTED,
        /** The session's own limits are hit under the disconnect policy: nothing was queued. */
        QUEUE_FULL,
        /** The server-wide budget has no room and this session's socket takes no more, or it was cut. */
        BUDGET_FULL
    }

    private final Channel channel;
    private final QueueLimits limits;
    private final SessionStats stats;
    private final QueueBudget budget;
    private final ArrayDeque<Entry> waiting = new ArrayDeque<>();
    /** Written on the loop; volatile so the budget and listings on other threads read it. */
    private volatile long heldBytes;
    private int heldMessages;
    /** What subscriptions keep for this client at their replay's seam; see {@link #reserve}. */
    private long reservedBytes;
    private int reservedMessages;
    private boolean unflushed;
    private long droppedSinceReport;
    /** Set by the budget from any thread: this queue is being cut and takes nothing more. */
    private volatile boolean cut;
    /** Messages and bytes written to the socket; loop-confined writes, volatile for listings on other threads. */
    private volatile long messagesOut;
    private volatile long bytesOut;

    OutboundQueue(Channel channel, QueueLimits limits, SessionStats stats, QueueBudget budget) {
        // The connection's share stays well inside the queue's limit, so that its writability turns off and on
        // (which is when waiting messages move and drops are reported) before the limit is hit.
        int high = (int) Math.min(MAX_HIGH_WATER_MARK, Math.max(2, limits.maxBytes() / 2));
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(high / 2, high));
        this.channel = channel;
        this.limits = limits;
        this.stats = stats;
        this.budget = budget;
    }

    /** Queues a notice or a private text that this session alone holds: one entry, not a published message. */
    Offer offerText(ByteBuf encoded) {
        return offer(encoded, 1, null, null, 0, 0);
    }

    /**
     * Queues a duplicate of {@code encoded} (the caller keeps its own reference): a view of {@code shared}
     * holding {@code messages} published messages, which count as delivered once written to the socket. If they
     * are dropped, {@code delivery} is told, with their sequence range {@code first} to {@code last} (if not
     * null; otherwise they count toward {@link #takeDropped()}).
     */
    Offer offer(ByteBuf encoded, int messages, SharedBytes shared, Delivery delivery, long first, long last) {
        if (cut) {
            return Offer.BUDGET_FULL;
        }
        boolean published = shared != null;
        long cost = encoded.readableBytes() + (long) ENTRY_OVERHEAD + BUFFER_OVERHEAD
                + (delivery == null ? 0 : DELIVERY_OVERHEAD);
        if (!fits(cost, messages)) {
            // The socket may take more than the server has handed it yet: let it, before calling anyone slow.
            flush();
            drain();
        }
        while (!fits(cost, messages)) {
            if (limits.policy() == SlowConsumerPolicy.DISCONNECT) {
                return Offer.QUEUE_FULL;
            }
            if (dropOldest() == 0) {
                // The connection alone holds the limit: the newest messages are the ones dropped.
                dropped(messages, published, delivery, first, last);
                return Offer.ACCEPTED;
            }
        }
        long charge = shared == null ? cost : ENTRY_OVERHEAD + buffer(shared.hold());
        if (!budget.tryCharge(charge)) {
            if (cut || limits.policy() == SlowConsumerPolicy.DISCONNECT) {
                undoHold(shared);
                return Offer.BUDGET_FULL;
            }
            // Drop-oldest makes room out of its own queue, so the server-wide total does not grow.
            long freed = 0;
            for (long one; freed < charge && (one = dropOldest()) > 0; ) {
                freed += one;
            }
            if (freed < charge) {
                undoHold(shared);
                dropped(messages, published, delivery, first, last);
                return Offer.ACCEPTED;
            }
            budget.charge(charge);
        }
        Entry entry = delivery == null ? new Entry(encoded.retainedDuplicate(), messages, cost, shared)
                : new NumberedEntry(encoded.retainedDuplicate(), messages, cost, shared, delivery, first, last);
        heldBytes += cost;
        heldMessages += messages;
        if (waiting.isEmpty() && channel.isWritable()) {
            write(entry);
        } else {
            waiting.add(entry);
        }
        return Offer.ACCEPTED;
    }

    /**
     * Reserves room for live messages a subscription keeps for this client until its replay reaches them: within
     * half the session's limits together with what is queued (the other half stays for what is sent meanwhile), and
     * within half the server-wide budget without cutting anyone for it. False when there is no room, and nothing is
     * reserved: the subscription reads those messages from history instead, so refusing costs the client nothing
     * but reads.
     */
    boolean reserve(long bytes, int messages) {
        if (cut || heldBytes + reservedBytes + bytes > limits.maxBytes() / 2
                || heldMessages + reservedMessages + messages > limits.maxMessages() / 2
                || !budget.tryChargeSpare(bytes)) {
            return false;
        }
        reservedBytes += bytes;
        reservedMessages += messages;
        return true;
    }

    /** Gives back what {@link #reserve} took. */
    void unreserve(long bytes, int messages) {
        reservedBytes -= bytes;
        reservedMessages -= messages;
        budget.release(bytes);
    }

    /** Within the session's limits; an empty queue takes any one entry, however large. */
    private boolean fits(long cost, int messages) {
        return heldBytes == 0
                || heldMessages + messages <= limits.maxMessages() && heldBytes + cost <= limits.maxBytes();
    }

    /** What shared bytes newly held or let go of cost the budget: the bytes and their buffer, or nothing. */
    private static long buffer(long bytes) {
        return bytes == 0 ? 0 : bytes + BUFFER_OVERHEAD;
    }

    /** Takes back a hold whose charge was refused: nothing was charged for it, so nothing is given back. */
    private static void undoHold(SharedBytes shared) {
        if (shared != null) {
            shared.release();
        }
    }

    /**
     * Drops the oldest waiting published messages and returns what that gave back to the server-wide budget,
     * or 0 when none wait. Notices are never dropped: one may be what tells the client how many it missed.
     */
    private long dropOldest() {
        for (Iterator<Entry> it = waiting.iterator(); it.hasNext(); ) {
            Entry oldest = it.next();
            if (oldest.shared != null) {
                it.remove();
                oldest.bytes.release();
                oldest.dropped();
                return forget(oldest);
            }
        }
        return 0;
    }

    private void dropped(int messages, boolean published, Delivery delivery, long first, long last) {
        if (published) {
            stats.countDropped(messages);
            if (delivery != null) {
                delivery.dropped(messages, first, last);
            } else {
                droppedSinceReport += messages;
            }
        }
    }

    private void write(Entry entry) {
        channel.write(entry.bytes, channel.newPromise().addListener(entry));
        unflushed = true;
    }

    /** An entry left the queue (written, failed or dropped); returns what it gives back to the budget. */
    private long forget(Entry entry) {
        heldBytes -= entry.cost;
        heldMessages -= entry.messages;
        long released = entry.shared == null ? entry.cost : ENTRY_OVERHEAD + buffer(entry.shared.release());
        budget.release(released);
        return released;
    }

    /** Hands waiting entries to the connection while it accepts them, then flushes. */
    void drain() {
        while (!waiting.isEmpty() && channel.isWritable()) {
            Entry next = waiting.poll();
            write(next);
        }
        flush();
    }

    /** Flushes what was written since the last flush. */
    void flush() {
        if (unflushed) {
            unflushed = false;
            channel.flush();
        }
    }

    /** True when nothing waits here (the connection may still hold bytes). */
    boolean isEmpty() {
        return waiting.isEmpty();
    }

    /** What the client has not yet been sent, here or in the connection, counted as the limits count it. */
    long queuedBytes() {
        return heldBytes;
    }

    /** Messages not yet written to the socket, here or in the connection. */
    int queuedMessages() {
        return heldMessages;
    }

    /** Messages written to the socket since the session began. */
    long messagesOut() {
        return messagesOut;
    }

    /** Bytes written to the socket since the session began. */
    long bytesOut() {
        return bytesOut;
    }

    /** Messages dropped since the last call, and resets the count. */
    long takeDropped() {
        long dropped = droppedSinceReport;
        droppedSinceReport = 0;
        return dropped;
    }

    /** Marks the queue as cut by the server-wide budget: it takes nothing more. False if it already was. */
    synchronized boolean markCut() {
        if (cut) {
            return false;
        }
        cut = true;
        return true;
    }

    /** True once the budget cut this queue. */
    boolean isCut() {
        return cut;
    }

    /** Releases everything waiting; used when the session closes. What the connection holds goes with it. */
    void clear() {
        for (Entry entry; (entry = waiting.poll()) != null; ) {
            entry.bytes.release();
            forget(entry);
        }
    }

    /** Bytes handed to the queue, how many messages they hold and what they cost; done when written. */
    private class Entry implements ChannelFutureListener {
        private final ByteBuf bytes;
        /** The bytes' length when queued: written, they are read. */
        private final int length;
        private final int messages;
        private final long cost;
        /** The shared buffer these bytes are a view of, or null for bytes this session alone holds. */
        private final SharedBytes shared;

        Entry(ByteBuf bytes, int messages, long cost, SharedBytes shared) {
            this.bytes = bytes;
            this.length = bytes.readableBytes();
            this.messages = messages;
            this.cost = cost;
            this.shared = shared;
        }

        /** Dropped by drop-oldest: counted, or told to whoever numbered it. */
        void dropped() {
            OutboundQueue.this.dropped(messages, true, null, 0, 0);
        }

        @Override
        public void operationComplete(ChannelFuture future) {
            forget(this);
            if (future.isSuccess()) {
                messagesOut += messages;
                bytesOut += length;
                if (shared != null) {
                    stats.countDelivered(messages, length);
                }
            } else if (channel.isOpen()) {
                // As a void promise would: the session's handler closes it with the reason the failure gives.
                channel.pipeline().fireExceptionCaught(future.cause());
            }
        }
    }

    /** An entry whose messages are numbered, and whose drop is told to {@link Delivery} with their range. */
    private final class NumberedEntry extends Entry {
        private final Delivery delivery;
        private final long first;
        private final long last;

        NumberedEntry(ByteBuf bytes, int messages, long cost, SharedBytes shared, Delivery delivery, long first,
                      long last) {
            super(bytes, messages, cost, shared);
            this.delivery = delivery;
            this.first = first;
            this.last = last;
        }

        @Override
        void dropped() {
            OutboundQueue.this.dropped(super.messages, true, delivery, first, last);
        }
    }
}
