package dev.fanout.server.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import java.util.ArrayDeque;

/**
 * One session's bounded outbound queue.
 *
 * <p>While the connection is writable, messages go straight to it (a shared duplicate, never a copy). Once
 * the connection holds more than its high-water mark, messages wait here, counted against
 * {@link QueueLimits}; the limit is checked before a message is queued, never after. When a limit is hit,
 * the policy decides: report an overflow (the session closes) or drop the oldest waiting messages.
 * Loop-confined: every method runs on the session's event loop.
 */
final class OutboundQueue {

    private final Channel channel;
    private final QueueLimits limits;
    private final SessionStats stats;
    private final ArrayDeque<Entry> waiting = new ArrayDeque<>();
    private long waitingBytes;
    private int waitingMessages;
    private boolean unflushed;
    private long droppedSinceReport;

    OutboundQueue(Channel channel, QueueLimits limits, SessionStats stats) {
        this.channel = channel;
        this.limits = limits;
        this.stats = stats;
    }

    /** Queues one message: {@link #offer(ByteBuf, int)} with a count of one. */
    boolean offer(ByteBuf encoded) {
        return offer(encoded, 1);
    }

    /**
     * Queues a duplicate of {@code encoded}, which holds {@code messages} messages (the caller keeps its own
     * reference). Returns false when the queue is full under the {@link SlowConsumerPolicy#DISCONNECT} policy:
     * nothing was queued and the session must close.
     */
    boolean offer(ByteBuf encoded, int messages) {
        if (waiting.isEmpty() && channel.isWritable()) {
            channel.write(encoded.retainedDuplicate(), channel.voidPromise());
            unflushed = true;
            return true;
        }
        int size = encoded.readableBytes();
        if (fits(size, messages)) {
            enqueue(encoded, size, messages);
            return true;
        }
        if (limits.policy() == SlowConsumerPolicy.DISCONNECT) {
            return false;
        }
        while (!waiting.isEmpty() && !fits(size, messages)) {
            Entry oldest = take();
            oldest.bytes().release();
            dropped(oldest.messages());
        }
        if (fits(size, messages)) {
            enqueue(encoded, size, messages);
        } else {
            // The connection alone holds more than the limit: the newest messages are the ones dropped.
            dropped(messages);
        }
        return true;
    }

    private void dropped(int messages) {
        droppedSinceReport += messages;
        stats.countDropped(messages);
    }

    private boolean fits(int size, int messages) {
        return waitingMessages + messages <= limits.maxMessages() && queuedBytes() + size <= limits.maxBytes();
    }

    private void enqueue(ByteBuf encoded, int size, int messages) {
        waiting.add(new Entry(encoded.retainedDuplicate(), messages));
        waitingBytes += size;
        waitingMessages += messages;
    }

    private Entry take() {
        Entry next = waiting.poll();
        waitingBytes -= next.bytes().readableBytes();
        waitingMessages -= next.messages();
        return next;
    }

    /** Writes waiting messages while the connection accepts them, then flushes. */
    void drain() {
        while (!waiting.isEmpty() && channel.isWritable()) {
            channel.write(take().bytes(), channel.voidPromise());
            unflushed = true;
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

    /** Bytes queued for the client: waiting here plus what the connection has not yet sent. */
    long queuedBytes() {
        ChannelOutboundBuffer inChannel = channel.unsafe().outboundBuffer();
        return waitingBytes + (inChannel == null ? 0 : inChannel.totalPendingWriteBytes());
    }

    /** Messages waiting here. */
    int waitingMessages() {
        return waitingMessages;
    }

    /** Messages dropped since the last call, and resets the count. */
    long takeDropped() {
        long dropped = droppedSinceReport;
        droppedSinceReport = 0;
        return dropped;
    }

    /** Releases everything waiting; used when the session closes. */
    void clear() {
        for (Entry entry; (entry = waiting.poll()) != null; ) {
            entry.bytes().release();
        }
        waitingBytes = 0;
        waitingMessages = 0;
    }

    /** Bytes waiting to be handed to the connection, and how many messages they hold. */
    private record Entry(ByteBuf bytes, int messages) {
    }
}
