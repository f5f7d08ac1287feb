package dev.fanout.store;

import java.util.Iterator;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bound on what all topics' history holds together ({@code --history-total-bytes}). Past it, the oldest entries
 * of the topics are let go in turn, one topic after another, so that a busy topic cannot keep every other topic's
 * history at nothing; the trims are counted, and logged once per episode. Thread-safe.
 */
public final class TotalBound {

    private static final Logger log = LoggerFactory.getLogger(TotalBound.class);

    private final long limit;
    private final Supplier<Iterator<? extends TopicRing<?>>> rings;
    private final IntSupplier ringCount;
    private final AtomicLong bytes = new AtomicLong();
    private final LongAdder trimmed = new LongAdder();
    private final AtomicBoolean over = new AtomicBoolean();
    /** Where the trimming goes on from; any thread, under this object's lock. */
    private Iterator<? extends TopicRing<?>> cursor;

    /**
     * A bound of {@code limit} bytes over the rings {@code rings} gives (each locked by its own monitor), of
     * which there are {@code ringCount}.
     */
    public TotalBound(long limit, Supplier<Iterator<? extends TopicRing<?>>> rings, IntSupplier ringCount) {
        this.limit = limit;
        this.rings = rings;
        this.ringCount = ringCount;
    }

    /** Counts a change in what the rings hold; call {@link #enforce()} after growth, outside any ring's lock. */
    public void add(long change) {
        bytes.addAndGet(change);
    }

    /** Lets go of the oldest entries of the topics in turn while all of them hold more than the bound. */
    public void enforce() {
        if (bytes.get() <= limit) {
            if (over.get() && over.compareAndSet(true, false)) {
                log.info("history back under its total bound ({} bytes, --history-total-bytes)", limit);
            }
            return;
        }
        if (over.compareAndSet(false, true)) {
            log.warn("history holds more than its total bound ({} bytes, --history-total-bytes): the oldest messages "
                    + "of the topics are let go in turn; raise the bound or lower --history / --history-bytes", limit);
        }
        synchronized (this) {
            int fruitless = 0;
            while (bytes.get() > limit && fruitless <= ringCount.getAsInt()) {
                if (cursor == null || !cursor.hasNext()) {
                    cursor = rings.get();
                    if (!cursor.hasNext()) {
                        return;
                    }
                }
                TopicRing<?> victim = cursor.next();
                long freed;
                synchronized (victim) {
                    freed = victim.trimOldest();
                }
                if (freed == 0) {
                    fruitless++;
                } else {
                    fruitless = 0;
                    bytes.addAndGet(-freed);
                    trimmed.increment();
                }
            }
        }
    }

    /** Bytes held now. */
    public long bytes() {
        return bytes.get();
    }

    /** Entries let go since start because of this bound. */
    public long trimmed() {
        return trimmed.sum();
    }

    /** The bound. */
    public long limit() {
        return limit;
    }
}
