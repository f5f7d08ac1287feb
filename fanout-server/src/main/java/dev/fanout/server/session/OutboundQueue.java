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
    private final ArrayDeque<ByteBuf> waiting = new ArrayDeque<>();
    private long waitingBytes;
    private boolean unflushed;
    private long droppedSinceReport;

    OutboundQueue(Channel channel, QueueLimits limits, SessionStats stats) {
        this.channel = channel;
        this.limits = limits;
        this.stats = stats;
    }

    /**
     * Queues a duplicate of {@code encoded} (the caller keeps its own reference). Returns false when the queue
     * is full under the {@link SlowConsumerPolicy#DISCONNECT} policy: nothing was queued and the session must
     * close.
     */
    boolean offer(ByteBuf encoded) {
        if (waiting.isEmpty() && channel.isWritable()) {
            channel.write(encoded.retainedDuplicate(), channel.voidPromise());
            unflushed = true;
            return true;
        }
        int size = encoded.readableBytes();
        if (fits(size)) {
            enqueue(encoded, size);
            return true;
        }
        if (limits.policy() == SlowConsumerPolicy.DISCONNECT) {
            return false;
        }
        while (!waiting.isEmpty() && !fits(size)) {
            ByteBuf oldest = waiting.poll();
            waitingBytes -= oldest.readableBytes();
            oldest.release();
            dropped();
        }
        if (fits(size)) {
            enqueue(encoded, size);
        } else {
            // The connection alone holds more than the limit: the newest message is the one dropped.
            dropped();
        }
        return true;
    }

    private void dropped() {
        droppedSinceReport++;
        stats.countDropped(1);
    }

    private boolean fits(int size) {
        return waiting.size() < limits.maxMessages() && queuedBytes() + size <= limits.maxBytes();
    }

    private void enqueue(ByteBuf encoded, int size) {
        waiting.add(encoded.retainedDuplicate());
        waitingBytes += size;
    }

    /** Writes waiting messages while the connection accepts them, then flushes. */
    void drain() {
        while (!waiting.isEmpty() && channel.isWritable()) {
            ByteBuf next = waiting.poll();
            waitingBytes -= next.readableBytes();
            channel.write(next, channel.voidPromise());
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
        return waiting.size();
    }

    /** Messages dropped since the last call, and resets the count. */
    long takeDropped() {
        long dropped = droppedSinceReport;
        droppedSinceReport = 0;
        return dropped;
    }

    /** Releases everything waiting; used when the session closes. */
    void clear() {
        for (ByteBuf buf; (buf = waiting.poll()) != null; ) {
            buf.release();
        }
        waitingBytes = 0;
    }
}
