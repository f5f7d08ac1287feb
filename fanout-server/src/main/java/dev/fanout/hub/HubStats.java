package dev.fanout.hub;

import java.util.concurrent.atomic.LongAdder;

/** Counters of the hub's work since start: every topic's together, and the topics themselves. Thread-safe. */
public final class HubStats {

    /** What all topics published and handed out, counted as each topic counts its own. */
    private final TopicCounters all = new TopicCounters();
    private final LongAdder topicsForgotten = new LongAdder();
    private final LongAdder topicsRefused = new LongAdder();

    void published(int bytes) {
        all.published(bytes);
    }

    void handedOver(long count, long payloadBytes) {
        all.handedOver(count, payloadBytes);
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
        return all.published();
    }

    /** Payload bytes published, all topics. */
    public long publishedBytes() {
        return all.publishedBytes();
    }

    /**
     * Messages handed to subscribers (one message to ten subscribers counts ten). Handed over is not delivered:
     * a subscriber may still drop it or be cut before its client reads it; sessions count what they write.
     */
    public long handedOver() {
        return all.handedOver();
    }
}
