package dev.fanout.hub;

import io.netty.channel.EventLoop;
import io.netty.util.internal.PlatformDependent;
import java.util.ArrayList;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One topic's subscribers on one event loop, and the messages waiting to reach them.
 *
 * <p>Publishers (any thread) {@link #enqueue} messages; the loop runs at most one drain task at a time,
 * which writes every waiting message to every member and then ends the batch for each member once, so a
 * burst of messages costs one task and one flush per subscriber, not one per message. The member list is
 * touched only on the loop, so it needs no lock.
 */
final class LoopFanout implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(LoopFanout.class);

    private final EventLoop loop;
    private final PublishBacklog backlog;
    private final HubStats stats;
    private final Queue<Message> pending = PlatformDependent.newMpscQueue();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** Loop-confined. */
    private final ArrayList<Subscriber> members = new ArrayList<>();
    /** Loop-confined: members that left while a drain was walking the list (a delivery can close a session). */
    private final ArrayList<Subscriber> leftDuringDrain = new ArrayList<>();
    private boolean draining;

    LoopFanout(EventLoop loop, PublishBacklog backlog, HubStats stats) {
        this.loop = loop;
        this.backlog = backlog;
        this.stats = stats;
    }

    EventLoop loop() {
        return loop;
    }

    /** Hands over one reference to {@code message}; the drain task releases it. Any thread. */
    void enqueue(Message message) {
        backlog.add(message.size());
        pending.offer(message);
        if (!scheduled.get() && scheduled.compareAndSet(false, true)) {
            loop.execute(this);
        }
    }

    /** Adds a member; on the loop. */
    void add(Subscriber subscriber) {
        members.add(subscriber);
    }

    /** Removes a member; on the loop. During a drain the removal waits until the drain ends. */
    void remove(Subscriber subscriber) {
        if (draining) {
            leftDuringDrain.add(subscriber);
        } else {
            members.remove(subscriber);
        }
    }

    /**
     * The drain task: on the loop. Removing a member from the list while walking it would shift the rest and
     * skip the next member, so removals made meanwhile (a session closed by its own delivery) wait until the
     * walk ends.
     */
    @Override
    public void run() {
        scheduled.set(false);
        draining = true;
        try {
            drain();
        } finally {
            draining = false;
            if (!leftDuringDrain.isEmpty()) {
                members.removeAll(leftDuringDrain);
                leftDuringDrain.clear();
            }
        }
    }

    private void drain() {
        long delivered = 0;
        for (Message message; (message = pending.poll()) != null; ) {
            long from = message.origin().clientId();
            for (int i = 0; i < members.size(); i++) {
                Subscriber member = members.get(i);
                if (member.id() != from) {
                    deliver(member, message);
                    delivered++;
                }
            }
            backlog.remove(message.size());
            message.release();
        }
        for (int i = 0; i < members.size(); i++) {
            Subscriber member = members.get(i);
            try {
                member.endOfBatch();
            } catch (RuntimeException e) {
                log.warn("ending a batch for {} failed", member, e);
            }
        }
        stats.delivered(delivered);
    }

    /** One subscriber's fault must not cost the others their messages, nor leak the message or the backlog. */
    private static void deliver(Subscriber member, Message message) {
        try {
            member.deliver(message);
        } catch (RuntimeException e) {
            log.warn("delivering {} to {} failed", message, member, e);
        }
    }
}
