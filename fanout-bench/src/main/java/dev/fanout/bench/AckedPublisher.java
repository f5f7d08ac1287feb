package dev.fanout.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * One publisher of the {@link Shape#ACKED} shape: it sends publishes numbered 1, 2, 3... and more as
 * acknowledgements arrive, with one write and one flush per read, never more than a window of them past the
 * oldest one not yet acknowledged. Each acknowledgement is timed from its publish's send to the arrival of the read
 * that carried it. Where the reply names its publish (fanout's ACK), acknowledgements may come in any order, and
 * those that overtake an earlier publish's are counted; where it does not (Redis, NATS), each answers the oldest
 * publish awaiting one. An acknowledgement of no publish awaiting one fails the connection.
 *
 * <p>Its connection's pipeline is a {@link ReceiptClock} feeding {@link #readArrived}, then the wire's
 * {@link AckedWire#ackHandler} feeding {@link #onAck}, then this handler. Runs on its channel's event loop; the
 * counts that other threads read are published without a fence per message, as a {@link Tally}'s are. One
 * instance per channel.
 */
final class AckedPublisher extends ChannelInboundHandlerAdapter implements AckSink {

    /** Latencies above this are recorded as this: an hour, far beyond any run. */
    private static final long MAX_LATENCY_NANOS = 3_600_000_000_000L;
    /** The most bytes of publishes one buffer holds; a window that fills more takes several. */
    private static final int BUFFER_BYTES = 64 * 1024;
    /** readNanos before the first read. */
    private static final long NO_READ = Long.MIN_VALUE;

    private final int id;
    private final AckedWire wire;
    private final String topic;
    private final String inbox;
    private final ByteBuf payload;
    private final long count;
    private final int window;
    /** The send time of each publish in the window, at (publish id - 1) modulo the window. */
    private final long[] sentAt;
    /** Whether each publish in the window has been acknowledged, at the same place. */
    private final boolean[] acked;
    private final Histogram latency = new Histogram(MAX_LATENCY_NANOS, 3);
    private final CompletableFuture<Void> prepared = new CompletableFuture<>();
    private final CompletableFuture<Long> finished = new CompletableFuture<>();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong lastAckNanos = new AtomicLong();
    private volatile long sent;
    private volatile Throwable failure;
    /** Loop-confined from here on. */
    private int prepareRepliesLeft;
    /** The oldest publish not acknowledged yet; past {@link #sent} when none awaits. */
    private long oldest = 1;
    private long acks;
    private long outOfOrder;
    private long readNanos = NO_READ;
    private long recordFromNanos;
    private long stopNanos;
    private boolean running;
    private Channel channel;

    /**
     * A publisher that sends {@code count} messages (or, with count 0, until the deadline given to start) of
     * {@code size} bytes to {@code topic}, at most {@code window} of them awaiting acknowledgement. {@code inbox}
     * is its own reply subject, for wires that route replies by subject.
     */
    AckedPublisher(int id, AckedWire wire, String topic, String inbox, int size, long count, int window) {
        this.id = id;
        this.wire = wire;
        this.topic = topic;
        this.inbox = inbox;
        this.payload = Unpooled.buffer(size).writeZero(size);
        this.count = count;
        this.window = window;
        this.sentAt = new long[window];
        this.acked = new boolean[window];
        this.prepareRepliesLeft = wire.prepareReplies();
        if (prepareRepliesLeft == 0) {
            prepared.complete(null);
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    /** Completes once the server has answered the wire's {@link AckedWire#prepare}; fails with the connection. */
    CompletableFuture<Void> prepared() {
        return prepared;
    }

    /** A read arrived at {@code nanos} (System.nanoTime()): the arrival of the acknowledgements it carries. */
    void readArrived(long nanos) {
        readNanos = nanos;
    }

    @Override
    public void onAck(long publishId) {
        if (prepareRepliesLeft > 0) {
            if (--prepareRepliesLeft == 0) {
                prepared.complete(null);
            }
            return;
        }
        if (readNanos == NO_READ) {
            throw new IllegalStateException("an acknowledgement arrived before any read was stamped: put a "
                    + "ReceiptClock in front of the handler that feeds this publisher");
        }
        long answered = publishId == IN_ORDER ? oldest : publishId;
        if (answered < oldest || answered > sent || acked[slot(answered)]) {
            throw new CorruptedFrameException("publisher " + id + ": an acknowledgement (" + describe(publishId)
                    + ") of no publish awaiting one" + (oldest > sent ? " (none of its " + sent + " does)"
                    : " (publishes " + oldest + " to " + sent + " but those acknowledged do)"));
        }
        if (answered != oldest) {
            outOfOrder++;
        }
        int slot = slot(answered);
        long sentNanos = sentAt[slot];
        if (sentNanos >= recordFromNanos) {
            latency.recordValue(Math.min(Math.max(readNanos - sentNanos, 0), MAX_LATENCY_NANOS));
        }
        acked[slot] = true;
        while (oldest <= sent && acked[slot(oldest)]) {
            acked[slot(oldest)] = false;
            oldest++;
        }
        acks++;
        acknowledged.lazySet(acks);
        lastAckNanos.lazySet(readNanos);
    }

    /** Where publish {@code publishId}'s send time and acknowledgement are kept while it is in the window. */
    private int slot(long publishId) {
        return (int) ((publishId - 1) % window);
    }

    /**
     * Starts publishing; {@code stopNanos} ends a run without a count, and publishes sent before
     * {@code recordFromNanos} are left out of the latency. Completes with the number sent, once publishing ended;
     * the acknowledgements of the last window may still be on their way.
     */
    CompletableFuture<Long> start(long stopNanos, long recordFromNanos) {
        channel.eventLoop().execute(() -> {
            this.stopNanos = stopNanos;
            this.recordFromNanos = recordFromNanos;
            running = true;
            if (count == 0) {
                // Acknowledgements that stop coming must not keep the publisher past its deadline.
                channel.eventLoop().schedule(this::pump, Math.max(0, stopNanos - System.nanoTime()),
                        TimeUnit.NANOSECONDS);
            }
            pump();
        });
        return finished;
    }

    long sent() {
        return sent;
    }

    /** Publishes acknowledged so far. Any thread. */
    long acknowledged() {
        return acknowledged.get();
    }

    long lastAckNanos() {
        return lastAckNanos.get();
    }

    /** Acknowledgements that came before an earlier publish's. */
    long outOfOrder() {
        return outOfOrder;
    }

    Histogram latency() {
        return latency;
    }

    /** What failed the connection (an error reply, a broken stream), or null. Any thread. */
    Throwable failure() {
        return failure;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        pump();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        IllegalStateException closed = new IllegalStateException("publisher " + id + ": the server closed the "
                + "connection after " + sent + " publishes, " + acks + " acknowledged");
        prepared.completeExceptionally(closed);
        finished.completeExceptionally(closed);
        payload.release();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (failure == null) {
            failure = cause;
        }
        prepared.completeExceptionally(cause);
        finished.completeExceptionally(cause);
        ctx.close();
    }

    /** Fills the window, in one buffer with one send time, and flushes it; ends publishing when it is time. */
    private void pump() {
        if (!running) {
            return;
        }
        long now = System.nanoTime();
        if (count > 0 ? sent >= count : now >= stopNanos) {
            running = false;
            finished.complete(sent);
            return;
        }
        long limit = oldest - 1 + window;
        if (count > 0) {
            limit = Math.min(limit, count);
        }
        long next = sent;
        if (next >= limit) {
            return;
        }
        int messageBytes = wire.publishAckedSize(topic, inbox, payload.readableBytes());
        int perBuffer = Math.max(1, BUFFER_BYTES / messageBytes);
        while (next < limit) {
            int n = (int) Math.min(limit - next, perBuffer);
            ByteBuf out = channel.alloc().buffer(n * messageBytes);
            for (int i = 0; i < n; i++, next++) {
                Stamp.write(payload, id, (int) next, now);
                wire.publishAcked(out, topic, inbox, next + 1, payload);
                sentAt[slot(next + 1)] = now;
            }
            channel.write(out, channel.voidPromise());
        }
        sent = next;
        channel.flush();
    }

    private static String describe(long publishId) {
        return publishId == IN_ORDER ? "a reply in order" : "publish id " + publishId;
    }
}
