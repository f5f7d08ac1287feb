package dev.fanout.server.session;

import dev.fanout.protocol.ByteSize;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server-wide bound on what all outbound queues together may hold.
 *
 * <p>Each queue charges what it holds here, whether it waits in the server's queue or in the connection's:
 * {@link OutboundQueue#ENTRY_OVERHEAD} per entry for the objects that carry it, and its buffer's bytes and
 * {@link OutboundQueue#BUFFER_OVERHEAD}, counted once however many queues hold the same shared buffer (a
 * published batch is encoded once for all its subscribers on an event loop). The charge is what the queues
 * really hold, so bounding it bounds that memory whatever is published and however many clients never read.
 *
 * <p>When a charge would pass the limit, the queues holding the most are cut first, as slow consumers,
 * until the charges fit with an eighth of the budget to spare. A cut queue's charge still counts until its
 * connection has closed on its own event loop, but is lent meanwhile to others, so a client that keeps up is not
 * cut for the time the largest queues take to close; while they close, the total may pass the limit by what
 * was lent, about an eighth of it. Thread-safe.
 */
public final class QueueBudget {

    private static final Logger log = LoggerFactory.getLogger(QueueBudget.class);

    private final long limitBytes;
    private final SessionRegistry sessions;
    private final AtomicLong charged = new AtomicLong();
    /** Charges of sessions being cut: freed once they close. */
    private final AtomicLong releasing = new AtomicLong();
    private final LongAdder cuts = new LongAdder();
    private final LongAdder reclaims = new LongAdder();

    /** A budget of {@code limitBytes} over the queues of {@code sessions}. */
    public QueueBudget(long limitBytes, SessionRegistry sessions) {
        if (limitBytes < 1) {
            throw new IllegalArgumentException("limitBytes must be positive: " + limitBytes);
        }
        this.limitBytes = limitBytes;
        this.sessions = sessions;
    }

    /**
     * Charges {@code bytes} if they fit, cutting the largest queues first when they do not. Returns false,
     * charging nothing, when they still do not fit: then the caller's own queue is among the largest, or cut.
     */
    boolean tryCharge(long bytes) {
        if (chargeWithin(bytes, limitBytes)) {
            return true;
        }
        if (reclaim(bytes)) {
            // Room made with an eighth to spare: what other loops charge meanwhile fits in that.
            charged.addAndGet(bytes);
            return true;
        }
        return false;
    }

    /**
     * Charges {@code bytes} if they fit in half the limit as things stand, cutting nobody for them; false, charging
     * nothing, if not. For what may be let go instead (messages kept for a replay to meet): kept to half, it never
     * leaves the queues too little room, nor makes the budget cut clients that read.
     */
    boolean tryChargeSpare(long bytes) {
        return chargeWithin(bytes, limitBytes / 2);
    }

    /**
     * Charges {@code bytes} if the active charge stays within {@code limit}, in one step: event loops charging at
     * once cannot each see room that only one of them has.
     */
    private boolean chargeWithin(long bytes, long limit) {
        long now;
        do {
            now = charged.get();
            if (now - releasing.get() + bytes > limit) {
                return false;
            }
        } while (!charged.compareAndSet(now, now + bytes));
        return true;
    }

    /** Charges {@code bytes} whatever the limit: for a queue that has just freed at least as much. */
    void charge(long bytes) {
        charged.addAndGet(bytes);
    }

    /** Gives back what {@link #tryCharge} took. */
    void release(long bytes) {
        charged.addAndGet(-bytes);
    }

    /** What a session that was cut held when it was cut is free now; called once it has let go of it. */
    void cutFinished(long heldWhenCut) {
        releasing.addAndGet(-heldWhenCut);
    }

    /** Charged now but not yet being freed: what the budget must hold within the limit. */
    private long active() {
        return charged.get() - releasing.get();
    }

    private boolean fits(long bytes) {
        return active() + bytes <= limitBytes;
    }

    /** Cuts the sessions holding most until {@code bytes} fit with an eighth to spare; true if they fit. */
    private synchronized boolean reclaim(long bytes) {
        if (fits(bytes)) {
            return true;
        }
        List<Session> largest = new ArrayList<>();
        for (Session session : sessions.all()) {
            if (!session.isClosed() && !session.isBeingCut() && session.queuedBytes() > 0) {
                largest.add(session);
            }
        }
        // Those whose sockets take nothing first, the largest of them first: a client whose socket is taking bytes
        // now is draining its queue, however large it is for the moment (a reader that keeps up, handed a replay
        // chunk), and is cut only if cutting the stalled ones is not enough.
        largest.sort(Comparator.comparing((Session session) -> session.channel().isWritable())
                .thenComparing(Comparator.comparingLong(Session::queuedBytes).reversed()));
        long target = limitBytes - limitBytes / 8;
        long before = active();
        int cut = 0;
        for (Session session : largest) {
            if (active() + bytes <= target) {
                break;
            }
            long held = session.cutForBudget(this);
            if (held > 0) {
                releasing.addAndGet(held);
                cut++;
            }
        }
        reclaims.increment();
        cuts.add(cut);
        log.warn("server-wide queue budget full ({} of {} held for clients that have not read it): cutting the {} "
                        + "clients with the largest queues, {} in all; raise --total-queue-bytes if this is "
                        + "normal load", ByteSize.format(before), ByteSize.format(limitBytes), cut,
                ByteSize.format(before - active()));
        return fits(bytes);
    }

    /** How clients and the log name this bound: the server-wide queue budget, its flag and its limit. */
    String describe() {
        return "the server-wide queue budget (--total-queue-bytes " + ByteSize.format(limitBytes) + ")";
    }

    /** The limit. */
    public long limitBytes() {
        return limitBytes;
    }

    /** Bytes charged now, cut queues not yet freed included. */
    public long chargedBytes() {
        return charged.get();
    }

    /** Sessions cut to keep within the budget since start. */
    public long cuts() {
        return cuts.sum();
    }

    /** Times the budget was found full since start. */
    public long reclaims() {
        return reclaims.sum();
    }
}
