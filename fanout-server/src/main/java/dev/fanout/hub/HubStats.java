package dev.fanout.hub;

import java.util.concurrent.atomic.LongAdder;

/** Counters of the hub's work since start. Thread-safe. */
public final class HubStats {

    private final LongAdder published = new LongAdder();
    private final LongAdder publishedBytes = new LongAdder();
    private final LongAdder handedOver = new LongAdder();
    private final LongAdder topicsForgotten = new LongAdder();
    private final LongAdder topicsRefused = new LongAdder();

    void published(int bytes) {
        published.increment();
        publishedBytes.add(bytes);
    }

    void handedOver(long count) {
        if (count > 0) {
            handedOver.add(count);
        }
    }

    void topicForgotten() {
        topicsForgotten.increment();
    }

    void topicRefused() {
        topicsRefused.increment();
    }

    /** Idle topics forgotten, history and all, to make place for new ones at the --max-topics bound. */
    public long topicsForgotten() {
        return topicsForgotten.sum();
    }

    /** New topics refused at the --max-topics bound because every topic had subscribers. */
    public long topicsRefused() {
        return topicsRefused.sum();
    }

    /** Messages published, all topics. */
    public long published() {
        return published.sum();
    }

    /** Payload bytes published, all topics. */
    public long publishedBytes() {
        return publishedBytes.sum();
    }

    /**
     * Messages handed to subscribers (one message to ten subscribers counts ten). Handed over is not delivered:
     * a subscriber may still drop it or be cut before its client reads it; sessions count what they write.
     */
    public long handedOver() {
        return handedOver.sum();
    }
}
