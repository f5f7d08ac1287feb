package dev.fanout.hub;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bytes published but not yet handed to the subscribers' connections, bounded. Each waiting message counts its
 * payload and {@link Message#OVERHEAD} for its objects.
 *
 * <p>When publishers outrun the event loops, the backlog grows; past its limit, publishers are asked to
 * pause ({@link #isFull()}; a network publisher stops reading its socket, so TCP pushes back on the
 * sender) until it has drained to half the limit. One slow reader never fills it: slow readers are handled
 * by their own bounded queues. Thread-safe.
 */
public final class PublishBacklog {

    private static final Logger log = LoggerFactory.getLogger(PublishBacklog.class);

    private final long limitBytes;
    private final AtomicLong bytes = new AtomicLong();
    /** The part of {@link #bytes} on its way to a shared store, not yet to be delivered. */
    private final AtomicLong pending = new AtomicLong();
    private final Queue<Runnable> waiters = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean full = new AtomicBoolean();
    private final LongAdder pauses = new LongAdder();

    /** A backlog that asks publishers to pause above {@code limitBytes}. */
    public PublishBacklog(long limitBytes) {
        if (limitBytes < 1) {
            throw new IllegalArgumentException("limitBytes must be positive: " + limitBytes);
        }
        this.limitBytes = limitBytes;
    }

    /** Counts {@code n} more bytes waiting: published and not yet handed out, or on their way to a shared store. */
    public void add(long n) {
        bytes.addAndGet(n);
    }

    /** What {@code payloads} count here while they wait: their bytes and {@link Message#OVERHEAD} each. */
    public static long bytesOf(List<ByteBuf> payloads) {
        long bytes = 0;
        for (ByteBuf payload : payloads) {
            bytes += payload.readableBytes() + (long) Message.OVERHEAD;
        }
        return bytes;
    }

    /**
     * Counts {@code bytes} while {@code pending} has not completed (a store that writes to disk or to another
     * server takes a moment), so that publishers pause when it falls behind too, not only the subscribers.
     * Returns a future of the same outcome.
     */
    public <T> CompletableFuture<T> whilePending(CompletableFuture<T> pending, long bytes) {
        if (pending.isDone()) {
            return pending;
        }
        this.pending.addAndGet(bytes);
        add(bytes);
        return pending.whenComplete((result, failure) -> {
            // Total first: a look between the two sees less waiting for delivery, never more.
            remove(bytes);
            this.pending.addAndGet(-bytes);
        });
    }

    /** Counts {@code n} bytes no longer waiting; publishers paused resume once it is half empty. */
    public void remove(long n) {
        long now = bytes.addAndGet(-n);
        if (now <= limitBytes / 2 && !waiters.isEmpty()) {
            resume();
        }
    }

    /** True when publishers should pause. Logs the first time each episode. */
    public boolean isFull() {
        if (bytes.get() <= limitBytes) {
            return false;
        }
        if (full.compareAndSet(false, true)) {
            log.warn("publish backlog full: {} bytes wait for delivery (limit {}); pausing publishers until it halves",
                    bytes.get(), limitBytes);
        }
        return true;
    }

    /**
     * True while what waits for delivery alone, leaving out what is on its way to a shared store, is within the
     * limit. A cluster node lets go of live messages from its store past it (they are read back later): its own
     * publishes on their way to the store must not crowd out their coming back. Those publishes pause publishers
     * at the limit, so at most about twice the limit waits in all.
     */
    public boolean hasRoomToDeliver() {
        return bytes.get() - pending.get() <= limitBytes;
    }

    /**
     * Runs {@code resume} once the backlog has drained to half its limit: at once if it already has, otherwise
     * on whichever thread drains it. Counts one pause.
     */
    public void whenDrained(Runnable resume) {
        pauses.increment();
        waiters.add(resume);
        if (bytes.get() <= limitBytes / 2) {
            resume();
        }
    }

    private void resume() {
        if (full.compareAndSet(true, false)) {
            log.info("publish backlog drained to {} bytes; publishers resume", bytes.get());
        }
        for (Runnable waiter; (waiter = waiters.poll()) != null; ) {
            waiter.run();
        }
    }

    /**
     * Stops reading from {@code publisher} while the backlog is full, and resumes once it has drained: TCP then
     * pushes back on whoever sends faster than the server can deliver.
     */
    public void pauseWhileFull(Channel publisher) {
        if (isFull()) {
            publisher.config().setAutoRead(false);
            whenDrained(() -> publisher.eventLoop().execute(() -> publisher.config().setAutoRead(true)));
        }
    }

    /** Bytes waiting now. */
    public long bytes() {
        return bytes.get();
    }

    /** The limit above which publishers pause. */
    public long limitBytes() {
        return limitBytes;
    }

    /** How many times a publisher was paused since start. */
    public long pauses() {
        return pauses.sum();
    }
}
