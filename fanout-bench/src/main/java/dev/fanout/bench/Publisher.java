package dev.fanout.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One publishing connection. As fast as possible, it writes batches of messages while the connection is
 * writable and resumes when it is writable again, so it never queues without bound; at a fixed rate, it
 * sends every millisecond what is due by then. Every payload carries a {@link Stamp}. Runs on its channel's
 * event loop; one instance per channel.
 */
final class Publisher extends ChannelInboundHandlerAdapter {

    /** Bytes written per batch: large enough to amortise a write, small enough to keep latency low. */
    private static final int BATCH_BYTES = 64 * 1024;
    /** How soon a publisher that ran into its window looks again. */
    private static final long WINDOW_RECHECK_MICROS = 100;
    /** The tick of fixed-rate publishing. */
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final int id;
    private final Wire wire;
    private final String topic;
    private final ByteBuf payload;
    private final long count;
    private final long ratePerSecond;
    private final CompletableFuture<Integer> finished = new CompletableFuture<>();
    private final long window;
    private final LongSupplier slowestReceived;
    private Channel channel;
    private volatile int sent;
    private long startNanos;
    private long stopNanos;
    private boolean running;
    private ScheduledFuture<?> ticker;

    /**
     * A publisher that sends {@code count} messages (or, with count 0, until the deadline given to start) of
     * {@code size} bytes; {@code ratePerSecond} 0 means as fast as possible. As fast as possible, it stays at
     * most {@code window} messages ahead of the slowest subscriber ({@code slowestReceived} counts what that
     * one received from this publisher), so the run measures what the server sustains without dropping anyone.
     */
    Publisher(int id, Wire wire, String topic, int size, long count, long ratePerSecond, long window,
              LongSupplier slowestReceived) {
        this.id = id;
        this.window = window;
        this.slowestReceived = slowestReceived;
        this.wire = wire;
        this.topic = topic;
        this.payload = Unpooled.buffer(size).writeZero(size);
        this.count = count;
        this.ratePerSecond = ratePerSecond;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!finished.isDone()) {
            finished.completeExceptionally(new IllegalStateException("publisher " + id
                    + ": the server closed the connection after " + sent + " messages"));
        }
        payload.release();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        finished.completeExceptionally(cause);
        ctx.close();
    }

    /** Sends one readiness probe. Any thread. */
    void probe() {
        channel.eventLoop().execute(() -> {
            ByteBuf out = channel.alloc().buffer(wire.publishSize(topic, payload.readableBytes()));
            Stamp.write(payload, Stamp.PROBE, 0, System.nanoTime());
            wire.publish(out, topic, payload);
            channel.writeAndFlush(out);
        });
    }

    /** Starts publishing; {@code stopNanos} ends a run without a count. Completes with the number sent. */
    CompletableFuture<Integer> start(long startNanos, long stopNanos) {
        channel.eventLoop().execute(() -> {
            this.startNanos = startNanos;
            this.stopNanos = stopNanos;
            running = true;
            if (ratePerSecond == 0) {
                pump();
            } else {
                ticker = channel.eventLoop().scheduleAtFixedRate(this::tick, 0, TICK_NANOS, TimeUnit.NANOSECONDS);
            }
        });
        return finished;
    }

    int sent() {
        return sent;
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (running && ratePerSecond == 0 && ctx.channel().isWritable()) {
            pump();
        }
        ctx.fireChannelWritabilityChanged();
    }

    private void pump() {
        while (running && channel.isWritable()) {
            if (done(System.nanoTime())) {
                finish();
                return;
            }
            long limit = slowestReceived.getAsLong() + window;
            if (sent >= limit) {
                // Too far ahead of the slowest subscriber: look again shortly.
                channel.flush();
                channel.eventLoop().schedule(this::pump, WINDOW_RECHECK_MICROS, TimeUnit.MICROSECONDS);
                return;
            }
            writeBatch(limit);
        }
        channel.flush();
    }

    private void tick() {
        long now = System.nanoTime();
        if (done(now)) {
            finish();
            return;
        }
        long due = (now - startNanos) * ratePerSecond / 1_000_000_000L;
        if (count > 0) {
            due = Math.min(due, count);
        }
        while (sent < due) {
            writeBatch(due);
        }
        channel.flush();
    }

    /**
     * Writes one batch of messages, stopping at {@code limit} sent. The batch is one buffer that goes out with
     * the next flush, so its messages share one send time, read before it is filled: one clock reading per
     * batch rather than per message, and never one that makes a message look younger than it is.
     */
    private void writeBatch(long limit) {
        int messageBytes = wire.publishSize(topic, payload.readableBytes());
        int perBatch = Math.max(1, BATCH_BYTES / messageBytes);
        ByteBuf out = channel.alloc().buffer(perBatch * messageBytes);
        int n = 0;
        int next = sent;
        long now = System.nanoTime();
        while (n < perBatch && next < limit && (count == 0 || next < count)) {
            Stamp.write(payload, id, next, now);
            wire.publish(out, topic, payload);
            next++;
            n++;
        }
        sent = next;
        channel.write(out, channel.voidPromise());
    }

    private boolean done(long now) {
        return count > 0 ? sent >= count : now >= stopNanos;
    }

    private void finish() {
        if (!running) {
            return;
        }
        running = false;
        if (ticker != null) {
            ticker.cancel(false);
        }
        channel.flush();
        finished.complete(sent);
    }
}
