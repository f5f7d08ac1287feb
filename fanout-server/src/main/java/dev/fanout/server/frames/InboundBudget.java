package dev.fanout.server.frames;

import dev.fanout.protocol.ByteSize;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server-wide bound on memory held by frames still arriving: a frame whose bytes come over several reads
 * is assembled in a buffer of exactly its announced length, charged here before it is allocated. When the
 * budget is full, the connection that wants more stops being read (TCP pushes back on its sender) and waits
 * its turn. The frame deadline does not count that wait, but it does run for the connections holding the budget,
 * so those that hold it by never finishing their frames are cut and give it back. Thread-safe.
 */
public final class InboundBudget {

    private static final Logger log = LoggerFactory.getLogger(InboundBudget.class);

    private final long limitBytes;
    private final AtomicLong charged = new AtomicLong();
    private final Queue<Runnable> waiters = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean full = new AtomicBoolean();
    private final LongAdder waits = new LongAdder();

    /** A budget of {@code limitBytes} for frames in assembly, all connections together. */
    public InboundBudget(long limitBytes) {
        if (limitBytes < 1) {
            throw new IllegalArgumentException("limitBytes must be positive: " + limitBytes);
        }
        this.limitBytes = limitBytes;
    }

    /** Charges {@code bytes} if they fit; false, charging nothing, when they do not. */
    boolean tryCharge(long bytes) {
        long now = charged.addAndGet(bytes);
        if (now <= limitBytes) {
            return true;
        }
        charged.addAndGet(-bytes);
        return false;
    }

    /**
     * Gives back a charge and lets every waiting connection try again (those that still do not fit wait again;
     * one that closed meanwhile must not swallow the wake-up of the others).
     */
    void release(long bytes) {
        charged.addAndGet(-bytes);
        wakeAll();
    }

    private void wakeAll() {
        if (waiters.isEmpty()) {
            if (full.compareAndSet(true, false)) {
                log.info("frames in assembly down to {}; reading every connection again",
                        ByteSize.format(charged.get()));
            }
            return;
        }
        for (Runnable next; (next = waiters.poll()) != null; ) {
            next.run();
        }
    }

    /**
     * Runs {@code retry} once some budget is given back (on the thread that gives it back), or at once if the
     * budget emptied meanwhile. Logs the first wait of each episode and counts every wait.
     */
    void await(Runnable retry) {
        waits.increment();
        if (full.compareAndSet(false, true)) {
            log.warn("frames in assembly hold {} (limit {}, --total-inbound-bytes): pausing connections that want "
                    + "more until frames finish or time out", ByteSize.format(charged.get()),
                    ByteSize.format(limitBytes));
        }
        waiters.add(retry);
        if (charged.get() == 0) {
            // Everything was given back between the refused charge and now: nobody else will wake us.
            wakeAll();
        }
    }

    /** The limit. */
    public long limitBytes() {
        return limitBytes;
    }

    /** Bytes charged now. */
    public long chargedBytes() {
        return charged.get();
    }

    /** Times a connection had to wait for the budget since start. */
    public long waits() {
        return waits.sum();
    }
}
