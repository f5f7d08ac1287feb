package dev.fanout.hub;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The publishes seen recently, by {@link PublishId}, so that a repeat gets the first one's result instead of
 * being published again. Bounded by time and by count: an entry older than the window, or the oldest when the
 * count is full, is forgotten, after which a repeat would be published again. A publish that was refused is
 * forgotten at once, so that trying it again is not mistaken for a repeat. Thread-safe.
 */
public final class PublishDedup {

    /** Default window: 2 minutes, JetStream's duplicate window; long enough to reconnect and re-send. */
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(2);
    /**
     * Default count: 100,000 publishes remembered, about 20 MB of entries; at 1,000 acknowledged publishes a
     * second, the whole window.
     */
    public static final int DEFAULT_MAX_ENTRIES = 100_000;

    private final Duration window;
    private final int maxEntries;
    private final Clock clock;
    /** In the order first seen; guarded by this. */
    private final LinkedHashMap<PublishId, Entry> seen = new LinkedHashMap<>();
    private final LongAdder repeats = new LongAdder();
    private final LongAdder forgottenForCount = new LongAdder();

    /** Remembers publishes for {@code window}, at most {@code maxEntries} at once. */
    public PublishDedup(Duration window, int maxEntries, Clock clock) {
        this.window = window;
        this.maxEntries = maxEntries;
        this.clock = clock;
    }

    /**
     * The result of the publish {@code id} names: the first one's if it was seen within the window, otherwise
     * what {@code publish} starts (which is then remembered).
     */
    public CompletableFuture<Position> publishOnce(PublishId id, Supplier<CompletableFuture<Position>> publish,
                                                   Runnable onRepeat) {
        CompletableFuture<Position> result;
        synchronized (this) {
            expire();
            Entry earlier = seen.get(id);
            if (earlier != null) {
                repeats.increment();
                onRepeat.run();
                return earlier.result;
            }
            result = new CompletableFuture<>();
            if (maxEntries > 0) {
                if (seen.size() >= maxEntries) {
                    Iterator<Entry> oldest = seen.values().iterator();
                    oldest.next();
                    oldest.remove();
                    forgottenForCount.increment();
                }
                seen.put(id, new Entry(result, clock.millis()));
            }
        }
        publish.get().whenComplete((position, failure) -> {
            if (failure != null) {
                synchronized (this) {
                    seen.remove(id);
                }
                result.completeExceptionally(failure);
            } else {
                result.complete(position);
            }
        });
        return result;
    }

    private void expire() {
        long oldest = clock.millis() - window.toMillis();
        for (Iterator<Map.Entry<PublishId, Entry>> it = seen.entrySet().iterator(); it.hasNext(); ) {
            if (it.next().getValue().seenAtMillis >= oldest) {
                return;
            }
            it.remove();
        }
    }

    /** Publishes answered with an earlier one's result since start. */
    public long repeats() {
        return repeats.sum();
    }

    /** Publishes forgotten before their window ended because the count was full. */
    public long forgottenForCount() {
        return forgottenForCount.sum();
    }

    /** Publishes remembered now. */
    public synchronized int size() {
        return seen.size();
    }

    private record Entry(CompletableFuture<Position> result, long seenAtMillis) {
    }
}
