package dev.fanout.hub;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.util.internal.PlatformDependent;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One topic's subscribers on one event loop, and the messages waiting to reach them.
 *
 * <p>Publishers (any thread) {@link #enqueueAll enqueue} messages; the loop runs at most one drain task at a time,
 * which takes the waiting messages in {@link Batch}es, hands each batch to every member (one write each:
 * the batch is encoded once for all of them), and then ends the burst for each member once. A burst costs
 * one task, and per subscriber one write per batch and one flush, not one per message. A turn stops after
 * {@link #MAX_DELIVERIES_PER_TURN} deliveries or {@link #MAX_TURN_BYTES} and leaves the rest to a new task:
 * members get their flush and the loop its I/O in between (a socket that was full is written again only then),
 * so a long burst, or many stuck subscribers, cannot pile up bytes for the ones that read.
 *
 * <p>Subscribers join and leave through the same queue as the messages, so that a subscriber added under the
 * topic's lock gets exactly the messages published after that moment: what a resuming client's replay must
 * join without a gap or a duplicate. The member list is touched only on the loop, so it needs no lock.
 */
final class LoopFanout implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(LoopFanout.class);
    /**
     * Most messages in one batch: enough that a burst of small messages costs each subscriber few writes,
     * few enough that one loop does not hold its other work back for long.
     */
    static final int MAX_BATCH_MESSAGES = 4096;
    /** Most payload bytes in one batch (a larger single message makes a batch of its own). */
    static final int MAX_BATCH_BYTES = 32 * 1024;
    /**
     * Most batch deliveries (one batch to one member) in one turn of the drain task, at least one batch: some
     * milliseconds of work, after which members are flushed and the loop serves its other channels.
     */
    static final int MAX_DELIVERIES_PER_TURN = 16 * 1024;
    /** Most payload bytes handed to members in one turn, at least one batch: what one member's queue may grow by. */
    static final int MAX_TURN_BYTES = 1024 * 1024;

    private final EventLoop loop;
    private final ByteBufAllocator alloc;
    private final PublishBacklog backlog;
    private final HubStats stats;
    private final TopicCounters counters;
    /** Messages and {@link Membership} changes, in the order the topic made them. */
    private final Queue<Object> pending = PlatformDependent.newMpscQueue();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** Loop-confined. */
    private final ArrayList<Subscriber> members = new ArrayList<>();

    LoopFanout(EventLoop loop, PublishBacklog backlog, HubStats stats, TopicCounters counters, ByteBufAllocator alloc) {
        this.loop = loop;
        this.alloc = alloc;
        this.backlog = backlog;
        this.stats = stats;
        this.counters = counters;
    }

    EventLoop loop() {
        return loop;
    }

    /** Hands over one reference to each of {@code messages}, in order, with a single wake-up. Any thread. */
    void enqueueAll(List<Message> messages) {
        long bytes = 0;
        for (Message message : messages) {
            bytes += message.memorySize();
        }
        backlog.add(bytes);
        for (Message message : messages) {
            pending.offer(message);
        }
        schedule();
    }

    private void schedule() {
        if (!scheduled.get() && scheduled.compareAndSet(false, true)) {
            loop.execute(this);
        }
    }

    /** True while published messages wait here to be handed to the members; on the loop. */
    boolean hasPending() {
        return !pending.isEmpty();
    }

    /** Adds a member after the messages enqueued so far; any thread, under the topic's lock. */
    void add(Subscriber subscriber) {
        pending.offer(new Membership(subscriber, true));
        schedule();
    }

    /** Removes a member after the messages enqueued so far; any thread, under the topic's lock. */
    void remove(Subscriber subscriber) {
        pending.offer(new Membership(subscriber, false));
        schedule();
    }

    /**
     * The drain task: on the loop. Membership changes take effect between batches, never while the member list
     * is being walked (a delivery can close a session, which leaves its topics).
     */
    @Override
    public void run() {
        scheduled.set(false);
        drain();
        if (!pending.isEmpty() && scheduled.compareAndSet(false, true)) {
            loop.execute(this);
        }
    }

    private void drain() {
        long delivered = 0;
        long deliveredPayload = 0;
        int deliveries = 0;
        long turnBytes = 0;
        for (List<Message> taken; deliveries < MAX_DELIVERIES_PER_TURN && turnBytes < MAX_TURN_BYTES
                && !(taken = takeBatch()).isEmpty(); ) {
            deliveries += Math.max(1, members.size());
            Batch batch = new Batch(taken, alloc);
            long batchDelivered = 0;
            for (int i = 0; i < members.size(); i++) {
                batchDelivered += deliver(members.get(i), batch);
            }
            delivered += batchDelivered;
            long bytes = 0;
            long payload = 0;
            for (Message message : taken) {
                bytes += message.memorySize();
                payload += message.size();
            }
            // Exact when each member took the whole batch; a member left without its own publishes is counted at
            // the batch's average payload.
            deliveredPayload += batchDelivered == (long) taken.size() * members.size()
                    ? payload * members.size() : batchDelivered * payload / taken.size();
            turnBytes += bytes;
            backlog.remove(bytes);
            batch.release();
        }
        if (deliveries == 0) {
            // Only membership changes this turn: nothing to flush.
            return;
        }
        for (int i = 0; i < members.size(); i++) {
            Subscriber member = members.get(i);
            try {
                member.endOfBatch();
            } catch (RuntimeException e) {
                log.warn("ending a batch for {} failed", member, e);
            }
        }
        stats.handedOver(delivered, deliveredPayload);
        counters.handedOver(delivered, deliveredPayload);
    }

    /**
     * Takes the next waiting messages, up to the batch limits; a message larger than them goes alone. Membership
     * changes met before the first message take effect; one met after it ends the batch.
     */
    private List<Message> takeBatch() {
        List<Message> taken = new ArrayList<>();
        long bytes = 0;
        for (Object next; taken.size() < MAX_BATCH_MESSAGES && (next = pending.peek()) != null; ) {
            if (next instanceof Membership change) {
                if (!taken.isEmpty()) {
                    break;
                }
                pending.poll();
                change.apply(members);
                continue;
            }
            Message message = (Message) next;
            if (!taken.isEmpty() && bytes + message.size() > MAX_BATCH_BYTES) {
                break;
            }
            taken.add(message);
            pending.poll();
            bytes += message.size();
        }
        return taken;
    }

    /** One subscriber's fault must not cost the others their messages, nor leak the batch or the backlog. */
    private static int deliver(Subscriber member, Batch batch) {
        try {
            return member.deliver(batch);
        } catch (RuntimeException e) {
            log.warn("delivering {} messages to {} failed", batch.messages().size(), member, e);
            return 0;
        }
    }

    /** A subscriber joining or leaving, in line with the messages. */
    private record Membership(Subscriber subscriber, boolean joins) {
        void apply(List<Subscriber> members) {
            if (joins) {
                members.add(subscriber);
            } else {
                members.remove(subscriber);
            }
        }
    }
}
