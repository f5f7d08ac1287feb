package dev.fanout.server.session;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Counters of connections, refusals, closes and drops since start, and the latest closes. Thread-safe. */
public final class SessionStats {

    private final LongAdder accepted = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder deliveredBytes = new LongAdder();
    private final LongAdder forbidden = new LongAdder();
    private final LongAdder refusedLogins = new LongAdder();
    private final LongAdder throttled = new LongAdder();
    private final EnumMap<CloseReason, LongAdder> closes = new EnumMap<>(CloseReason.class);
    /** The latest closes, oldest first; at most recentLimit. Guarded by itself. */
    private final ArrayDeque<ClosedSession> recent = new ArrayDeque<>();
    private final int recentLimit;

    /** Creates zeroed counters that keep no closes. */
    public SessionStats() {
        this(0);
    }

    /** Creates zeroed counters that keep the latest {@code recentCloses} closes. */
    public SessionStats(int recentCloses) {
        this.recentLimit = recentCloses;
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

    /** Keeps {@code closed} among the latest closes, letting the oldest go past the limit. */
    void keep(ClosedSession closed) {
        if (recentLimit == 0) {
            return;
        }
        synchronized (recent) {
            if (recent.size() == recentLimit) {
                recent.removeFirst();
            }
            recent.addLast(closed);
        }
    }

    /** The latest closes, newest first. */
    public List<ClosedSession> recentCloses() {
        synchronized (recent) {
            List<ClosedSession> out = new ArrayList<>(recent);
            java.util.Collections.reverse(out);
            return out;
        }
    }

    void countDropped(long messages) {
        dropped.add(messages);
    }

    void countDelivered(long messages, long bytes) {
        delivered.add(messages);
        deliveredBytes.add(bytes);
    }

    void countThrottled() {
        throttled.increment();
    }

    /** Times a publisher's reading paused because it published faster than its rate. */
    public long throttled() {
        return throttled.sum();
    }

    void countForbidden() {
        forbidden.increment();
    }

    /** Counts a refused login, whether its connection stays (lines mode) or not. */
    public void countRefusedLogin() {
        refusedLogins.increment();
    }

    /** Publishes and subscriptions refused because the client's user may not ({@code --auth}). */
    public long forbidden() {
        return forbidden.sum();
    }

    /** Logins refused: bad credentials, too many failures, or too many waiting. */
    public long refusedLogins() {
        return refusedLogins.sum();
    }

    /** Messages written to clients' sockets, all sessions (one message to ten clients counts ten). */
    public long delivered() {
        return delivered.sum();
    }

    /** Bytes of {@link #delivered()} messages written to clients' sockets, framing included. */
    public long deliveredBytes() {
        return deliveredBytes.sum();
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
