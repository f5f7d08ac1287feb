package dev.fanout.server.session;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Counters of connections, refusals, closes and drops since start. Thread-safe. */
public final class SessionStats {

    private final LongAdder accepted = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final EnumMap<CloseReason, LongAdder> closes = new EnumMap<>(CloseReason.class);

    /** Creates zeroed counters. */
    public SessionStats() {
        for (CloseReason reason : CloseReason.values()) {
            closes.put(reason, new LongAdder());
        }
    }

    void countAccepted() {
        accepted.increment();
    }

    /** Counts a connection that ended, or was refused before it became a session, for {@code reason}. */
    public void countClose(CloseReason reason) {
        closes.get(reason).increment();
    }

    void countDropped(long messages) {
        dropped.add(messages);
    }

    void countDelivered(long messages) {
        delivered.add(messages);
    }

    /** Messages written to clients' sockets, all sessions (one message to ten clients counts ten). */
    public long delivered() {
        return delivered.sum();
    }

    /** Connections admitted since start. */
    public long accepted() {
        return accepted.sum();
    }

    /** Messages dropped by the drop-oldest policy, all sessions. */
    public long dropped() {
        return dropped.sum();
    }

    /** Closes (and refusals) with the given reason. */
    public long closes(CloseReason reason) {
        return closes.get(reason).sum();
    }

    /** All close counts that are not zero. */
    public Map<CloseReason, Long> closes() {
        Map<CloseReason, Long> out = new EnumMap<>(CloseReason.class);
        closes.forEach((reason, count) -> {
            long n = count.sum();
            if (n > 0) {
                out.put(reason, n);
            }
        });
        return out;
    }
}
