package dev.fanout.bench;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * One subscriber's account of what it received: messages, and per publisher the next sequence number it
 * expects, so gaps (lost), repeats and reorderings are counted rather than assumed away. Latency is the time
 * from the stamp's send time to the arrival of the read that carried it ({@link ReceiptClock}). Confined to the
 * subscriber's event loop; the counters that other threads read (the progress line, the publishers' window)
 * are published with release stores, which cost the loop no fence per message.
 */
final class Tally implements PayloadSink {

    /** Latencies above this are recorded as this: an hour, far beyond any run. */
    private static final long MAX_LATENCY_NANOS = 3_600_000_000_000L;

    private final int[] expected;
    /** Per publisher, messages received from it; written on the loop, read by publishers for their window. */
    private final AtomicIntegerArray fromPublisher;
    private final Histogram latency = new Histogram(MAX_LATENCY_NANOS, 3);
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong lastReceiptNanos = new AtomicLong();
    /** Messages sent before this (the warm-up) are checked but not timed. */
    private volatile long recordFromNanos = Long.MIN_VALUE;
    private volatile boolean probed;
    private volatile boolean closed;
    /** readNanos before the first read: a Tally fed without a ReceiptClock in front of it would time nothing. */
    private static final long NO_READ = Long.MIN_VALUE;

    /** When the read being scanned arrived; loop-confined. */
    private long readNanos = NO_READ;
    private long lost;
    private long outOfOrder;
    private long foreign;

    /** Expects messages from publishers 0 to {@code publishers - 1}. */
    Tally(int publishers) {
        this.expected = new int[publishers];
        this.fromPublisher = new AtomicIntegerArray(publishers);
    }

    /** A read arrived at {@code nanos} (System.nanoTime()): the receipt time of the payloads it carries. */
    void readArrived(long nanos) {
        readNanos = nanos;
    }

    @Override
    public void onPayload(ByteBuf buf, int index, int length) {
        long now = readNanos;
        if (now == NO_READ) {
            throw new IllegalStateException("a payload arrived before any read was stamped: put a ReceiptClock "
                    + "in front of the decoder that feeds this Tally");
        }
        if (length < Stamp.SIZE) {
            foreign++;
            return;
        }
        int publisher = Stamp.publisher(buf, index);
        if (publisher == Stamp.PROBE) {
            probed = true;
            return;
        }
        if (publisher < 0 || publisher >= expected.length) {
            foreign++;
            return;
        }
        int sequence = Stamp.sequence(buf, index);
        int next = expected[publisher];
        if (sequence == next) {
            expected[publisher] = next + 1;
        } else if (sequence > next) {
            lost += sequence - next;
            expected[publisher] = sequence + 1;
        } else {
            // Either a repeat or one we counted as lost arriving late: both break the order the server promises.
            outOfOrder++;
        }
        long sent = Stamp.sentNanos(buf, index);
        if (sent >= recordFromNanos) {
            latency.recordValue(Math.min(Math.max(now - sent, 0), MAX_LATENCY_NANOS));
        }
        fromPublisher.lazySet(publisher, fromPublisher.get(publisher) + 1);
        lastReceiptNanos.lazySet(now);
        received.lazySet(received.get() + 1);
    }

    /** Messages received from {@code publisher}. Any thread. */
    int receivedFrom(int publisher) {
        return fromPublisher.get(publisher);
    }

    long received() {
        return received.get();
    }

    /** Times only messages sent from {@code nanos} on (System.nanoTime()). */
    void recordFrom(long nanos) {
        recordFromNanos = nanos;
    }

    /** The connection ended (a server may cut a subscriber off): publishers stop waiting for it. */
    void markClosed() {
        closed = true;
    }

    boolean closed() {
        return closed;
    }

    boolean probed() {
        return probed;
    }

    long lastReceiptNanos() {
        return lastReceiptNanos.get();
    }

    /** Messages missing at the end: gaps seen, plus whatever never arrived after the last one received. */
    long lost(int[] sentPerPublisher) {
        long missingAtEnd = 0;
        for (int p = 0; p < expected.length; p++) {
            missingAtEnd += Math.max(0, sentPerPublisher[p] - expected[p]);
        }
        return lost + missingAtEnd;
    }

    long outOfOrder() {
        return outOfOrder;
    }

    long foreign() {
        return foreign;
    }

    Histogram latency() {
        return latency;
    }

    @Override
    public String toString() {
        return "Tally[received=" + received + ", expected=" + Arrays.toString(expected) + "]";
    }
}
