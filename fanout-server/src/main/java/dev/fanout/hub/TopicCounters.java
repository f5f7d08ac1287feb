package dev.fanout.hub;

import java.util.concurrent.atomic.LongAdder;

/** One topic's counters since it was made here: messages and payload bytes published, and handed out. */
public final class TopicCounters {

    private final LongAdder published = new LongAdder();
    private final LongAdder publishedBytes = new LongAdder();
    private final LongAdder handedOver = new LongAdder();
    private final LongAdder handedOverBytes = new LongAdder();

    void published(int bytes) {
        published.increment();
        publishedBytes.add(bytes);
    }

    void handedOver(long count, long payloadBytes) {
        if (count > 0) {
            handedOver.add(count);
            handedOverBytes.add(payloadBytes);
        }
    }

    /** Messages published to the topic. */
    public long published() {
        return published.sum();
    }

    /** Payload bytes published to the topic. */
    public long publishedBytes() {
        return publishedBytes.sum();
    }

    /** Messages handed to the topic's subscribers on this server (one message to ten counts ten). */
    public long handedOver() {
        return handedOver.sum();
    }

    /** Payload bytes of {@link #handedOver()}: each message's payload once for each subscriber it went to. */
    public long handedOverBytes() {
        return handedOverBytes.sum();
    }
}
