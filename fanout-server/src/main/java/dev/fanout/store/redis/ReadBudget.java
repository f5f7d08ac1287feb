package dev.fanout.store.redis;

import dev.fanout.hub.PublishRefusedException;
import dev.fanout.protocol.ByteSize;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the reads of topics' logs under way at once, by the bytes each may bring back: a resuming client's feed
 * and a node filling a hole each ask for at most a chunk, but thousands asking at once would have Redis send
 * them all into this server's memory together. A read starts when what the reads under way may bring leaves
 * room for it (in order of asking), waits otherwise, and is refused ("try again") when too many wait. Its room
 * is given back once Redis answered, when its messages belong to the asker, whose own bounds count them from
 * there. Thread-safe.
 */
final class ReadBudget {

    private static final Logger log = LoggerFactory.getLogger(ReadBudget.class);

    /** Default most reads waiting for room: each feed of a resuming client has at most one. */
    static final int DEFAULT_MAX_WAITING = 65_536;

    private final long maxBytes;
    private final int maxWaiting;
    private final long margin;
    // Guarded by this.
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private long reserved;
    private boolean overloaded;
    private long refused;

    private record Waiting(long bytes, Runnable start) {
    }

    ReadBudget(long maxBytes, int maxWaiting) {
        this(maxBytes, maxWaiting, 0);
    }

    /**
     * A budget of {@code maxBytes} for reads under way, {@code maxWaiting} waiting at most, each read counted with
     * {@code margin} bytes more than it asks for (what the store may bring back beyond it).
     */
    ReadBudget(long maxBytes, int maxWaiting, long margin) {
        if (maxBytes < 1 || maxWaiting < 0 || margin < 0) {
            throw new IllegalArgumentException("a read budget needs room: " + maxBytes + " bytes, " + maxWaiting
                    + " waiting, a margin of " + margin);
        }
        this.maxBytes = maxBytes;
        this.maxWaiting = maxWaiting;
        this.margin = margin;
    }

    /**
     * Runs {@code read}, which brings back about {@code bytes} at most (and the margin), once there is room for it.
     * Fails with {@link PublishRefusedException} (unavailable) at once when too many reads wait already.
     */
    <T> CompletableFuture<T> run(long bytes, Supplier<CompletableFuture<T>> read) {
        // Saturated: a read of everything (Long.MAX_VALUE) takes the whole budget, never a negative cost.
        long asked = bytes > Long.MAX_VALUE - margin ? Long.MAX_VALUE : bytes + margin;
        long cost = Math.max(1, Math.min(asked, maxBytes));
        CompletableFuture<T> result = new CompletableFuture<>();
        synchronized (this) {
            if (!waiting.isEmpty() || reserved + cost > maxBytes) {
                if (waiting.size() >= maxWaiting) {
                    refused++;
                    if (!overloaded) {
                        overloaded = true;
                        log.warn("{} reads of topics' logs wait for room ({} under way, --redis-read-bytes); more "
                                + "are refused with 'try again' until half of them are done", maxWaiting,
                                ByteSize.format(maxBytes));
                    }
                    return CompletableFuture.failedFuture(new PublishRefusedException(
                            PublishRefusedException.Reason.UNAVAILABLE, maxWaiting + " reads of history wait for "
                            + "Redis already; try again"));
                }
                waiting.add(new Waiting(cost, () -> start(cost, read, result)));
                return result;
            }
            reserved += cost;
        }
        start(cost, read, result);
        return result;
    }

    private <T> void start(long cost, Supplier<CompletableFuture<T>> read, CompletableFuture<T> result) {
        CompletableFuture<T> reading;
        try {
            reading = read.get();
        } catch (RuntimeException e) {
            reading = CompletableFuture.failedFuture(e);
        }
        reading.whenComplete((value, failure) -> {
            giveBack(cost);
            if (failure != null) {
                result.completeExceptionally(failure);
            } else {
                result.complete(value);
            }
        });
    }

    private void giveBack(long cost) {
        List<Runnable> starting = new ArrayList<>();
        synchronized (this) {
            reserved -= cost;
            while (!waiting.isEmpty() && reserved + waiting.peek().bytes() <= maxBytes) {
                Waiting next = waiting.poll();
                reserved += next.bytes();
                starting.add(next.start());
            }
            if (overloaded && waiting.size() <= maxWaiting / 2) {
                overloaded = false;
                log.info("reads of topics' logs keep up again");
            }
        }
        starting.forEach(Runnable::run);
    }

    /** Bytes reads under way may bring back now. */
    synchronized long reservedBytes() {
        return reserved;
    }

    /** Reads waiting for room now. */
    synchronized int waitingReads() {
        return waiting.size();
    }

    /** Reads refused since start because too many waited. */
    synchronized long refusedReads() {
        return refused;
    }
}
