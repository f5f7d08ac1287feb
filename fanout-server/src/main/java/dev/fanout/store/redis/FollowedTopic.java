package dev.fanout.store.redis;

import dev.fanout.hub.Message;
import dev.fanout.hub.TopicState;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One topic this server follows in Redis: takes what arrives on its live channel and hands it on in sequence
 * order with no hole, filling any hole from the topic's log once for the whole server (not once per client).
 *
 * <p>Redis publishes to a channel at most once: a subscription connection that was cut, or that fell too far
 * behind, misses messages. So every batch is checked against the last sequence handed on: one already handed
 * on is dropped, one past the next waits while the log is read for what lies between. While a read is under
 * way, live batches wait in a bounded buffer; past it they are dropped and read from the log as well. What the
 * log no longer holds either is skipped, and the subscribers see the jump (a control client is told GAP). After
 * the subscription may have missed messages (a reconnect), {@link #catchUp()} reads up to the topic's last.
 * A batch of another epoch means Redis started the topic afresh (its data was lost or expired): the topic is
 * followed in the new epoch from its first message, and subscribers are told RESET when it reaches them.
 * Thread-safe: one lock per topic, held while handing on so that order is kept.
 */
final class FollowedTopic {

    private static final Logger log = LoggerFactory.getLogger(FollowedTopic.class);

    /** Most messages read from the log at once while filling a hole. */
    static final int FILL_CHUNK = 1_000;
    /** About the most payload bytes read from the log at once while filling a hole. */
    static final long FILL_BYTES = 1024 * 1024;
    /** How long to wait before reading again after Redis failed a read. */
    static final long RETRY_MILLIS = 1_000;
    /** How long to wait before reading on while this server has no room for more messages to deliver. */
    static final long FULL_RETRY_MILLIS = 20;

    /** What a followed topic needs of the store. */
    interface Log {

        /** The topic's state. */
        CompletableFuture<TopicState> state(String topic);

        /**
         * Up to {@code count} messages of the topic from {@code from} on, within about {@code maxBytes} of payload
         * (at least one), each holding one reference.
         */
        CompletableFuture<List<Message>> read(String topic, long from, int count, long maxBytes);

        /**
         * Moves the topic to a new epoch if Redis still has it in {@code epoch} with a last sequence below
         * {@code handedOn} (or another node did so already).
         */
        CompletableFuture<Void> renew(String topic, long epoch, long handedOn);

        /**
         * True while this server can take more messages for delivery (what waits in its publish backlog for delivery
         * is within the limit); while it cannot, live messages are let go and read from the log once it can.
         */
        boolean hasRoom();

        /** Reserves room for {@code bytes} of live messages held while a hole is filled; false if there is none. */
        boolean hold(long bytes);

        /** Gives back what {@link #hold} reserved. */
        void unhold(long bytes);

        /** Releases live messages let go for want of room, to be read from the log instead; counts them. */
        void letGo(List<Message> batch);

        /** Runs {@code task} later, off the caller's thread. */
        void later(Runnable task, long delayMillis);
    }

    private final String name;
    private final Consumer<List<Message>> deliver;
    private final Log store;
    /** Completes once the topic's position is known and live messages are handed on. */
    private final CompletableFuture<Void> following = new CompletableFuture<>();
    private final ArrayDeque<List<Message>> held = new ArrayDeque<>();
    // Guarded by this.
    private long heldBytes;
    private boolean ready;
    private boolean filling;
    /** Live messages were dropped, or may have been missed: read up to the topic's last once free. */
    private boolean behind;
    private boolean forgotten;
    private long epoch;
    private long last;

    FollowedTopic(String name, Consumer<List<Message>> deliver, Log store) {
        this.name = name;
        this.deliver = deliver;
        this.store = store;
    }

    String name() {
        return name;
    }

    /** Completes once live messages are handed on, from the position the topic had then. */
    CompletableFuture<Void> following() {
        return following;
    }

    /** The subscription is in place: learns where the topic stands, from which on everything is handed on. */
    void start() {
        store.state(name).whenComplete((state, failure) -> {
            if (failure != null) {
                synchronized (this) {
                    if (!forgotten) {
                        store.later(this::start, RETRY_MILLIS);
                    }
                }
                return;
            }
            synchronized (this) {
                if (forgotten || ready) {
                    return;
                }
                epoch = state.epoch();
                last = state.last();
                ready = true;
                drain();
            }
            following.complete(null);
        });
    }

    /** A batch from the live channel: consecutive messages of one epoch, one reference each. */
    synchronized void live(List<Message> batch) {
        if (forgotten) {
            batch.forEach(Message::release);
        } else if (!store.hasRoom()) {
            // This server's deliveries are behind: what Redis sends meanwhile is read from the log once they are
            // not, rather than piling up here.
            store.letGo(batch);
            behind = true;
            if (ready && !filling) {
                behind = false;
                filling = true;
                readState();
            }
        } else if (!ready || filling) {
            hold(batch, false);
        } else {
            take(batch);
        }
    }

    /** The subscription may have missed messages: read what the topic has beyond what was handed on. */
    synchronized void catchUp() {
        if (forgotten) {
            return;
        }
        if (!ready) {
            // The state read under way may be from before what was missed: catch up once it is in.
            behind = true;
            return;
        }
        if (filling) {
            behind = true;
            return;
        }
        filling = true;
        readState();
    }

    /** Stops: hands on nothing more, and lets go of what it holds. */
    synchronized void forget() {
        forgotten = true;
        for (List<Message> batch : held) {
            batch.forEach(Message::release);
        }
        held.clear();
        store.unhold(heldBytes);
        heldBytes = 0;
    }

    /** Keeps {@code batch} until a hole is filled, last in line or, when it waited already, first. */
    private void hold(List<Message> batch, boolean first) {
        long bytes = 0;
        for (Message message : batch) {
            bytes += message.memorySize();
        }
        if (!store.hold(bytes)) {
            // No room: drop it, and read it from the log with whatever else came meanwhile.
            store.letGo(batch);
            behind = true;
            return;
        }
        heldBytes += bytes;
        if (first) {
            held.addFirst(batch);
        } else {
            held.add(batch);
        }
    }

    /** Hands on what of {@code batch} follows the last handed on; fills the hole first if there is one. */
    private void take(List<Message> batch) {
        Message first = batch.get(0);
        if (first.epoch() != epoch) {
            // Another epoch: the topic started afresh in Redis, or this batch is from before it did. Which one,
            // only Redis's state can tell: read it (which moves to the new epoch if there is one and brings its
            // messages from the stream), and let this batch go.
            batch.forEach(Message::release);
            filling = true;
            readState();
            return;
        }
        long newest = batch.get(batch.size() - 1).sequence();
        if (newest <= last) {
            batch.forEach(Message::release);
            return;
        }
        if (first.sequence() > last + 1) {
            filling = true;
            hold(batch, true);
            fillTo(first.sequence() - 1);
            return;
        }
        handOn(batch);
    }

    /** Hands on the messages past {@link #last}, releasing the others. */
    private void handOn(List<Message> messages) {
        List<Message> fresh = messages;
        if (messages.get(0).sequence() <= last) {
            for (Message message : messages) {
                if (message.sequence() <= last) {
                    message.release();
                }
            }
            fresh = messages.stream().filter(m -> m.sequence() > last).toList();
        }
        if (!fresh.isEmpty()) {
            last = fresh.get(fresh.size() - 1).sequence();
            deliver.accept(fresh);
        }
    }

    /** Reads the log from the next sequence up to {@code target}, a chunk at a time. Under the lock, filling. */
    private void fillTo(long target) {
        long from = last + 1;
        if (from > target) {
            filling = false;
            drain();
            return;
        }
        if (!store.hasRoom()) {
            store.later(() -> fillWhenRoom(target), FULL_RETRY_MILLIS);
            return;
        }
        int count = (int) Math.min(FILL_CHUNK, target - from + 1);
        store.read(name, from, count, FILL_BYTES)
                .whenComplete((messages, failure) -> filled(messages, failure, target));
    }

    private synchronized void filled(List<Message> messages, Throwable failure, long target) {
        if (forgotten) {
            if (messages != null) {
                messages.forEach(Message::release);
            }
            return;
        }
        if (failure != null) {
            store.later(this::fillAgain, RETRY_MILLIS);
            return;
        }
        if (!messages.isEmpty() && messages.get(0).epoch() != epoch) {
            // The topic started afresh while the hole was being filled: follow it from where it stands now.
            messages.forEach(Message::release);
            readState();
            return;
        }
        if (messages.isEmpty()) {
            // The log no longer holds them: skip; subscribers see the jump.
            log.debug("topic '{}': messages {} to {} are no longer in Redis; skipped", name, last + 1, target);
            last = Math.max(last, target);
        } else {
            handOn(messages);
        }
        fillTo(target);
    }

    private synchronized void fillWhenRoom(long target) {
        if (!forgotten && filling) {
            fillTo(target);
        }
    }

    private synchronized void fillAgain() {
        if (!forgotten && filling) {
            readState();
        }
    }

    /**
     * Whether to go on with what Redis answered while filling: not once forgotten, nor after a failure, for which a
     * new try is scheduled. Under the lock.
     */
    private boolean answered(Throwable failure) {
        if (forgotten) {
            return false;
        }
        if (failure != null) {
            store.later(this::fillAgain, RETRY_MILLIS);
            return false;
        }
        return true;
    }

    /** Reads the topic's state and fills up to its last. Under the lock, filling. */
    private void readState() {
        store.state(name).whenComplete((state, failure) -> {
            synchronized (this) {
                if (!answered(failure)) {
                    return;
                }
                if (state.epoch() == epoch && state.last() < last) {
                    renew(state);
                    return;
                }
                if (state.epoch() != epoch) {
                    log.info("topic '{}' started afresh in Redis (epoch {}, was {}): following the new epoch from its "
                            + "first message held", name, state.epoch(), epoch);
                    epoch = state.epoch();
                    last = state.first() - 1;
                }
                fillTo(state.last());
            }
        });
    }

    /**
     * Redis's last is below what this server handed on in the same epoch: Redis lost acknowledged writes (it came
     * back from an older snapshot, or a replica that lagged took over), and would give new messages numbers that
     * clients already have for others. Starts a new epoch in Redis, so that clients are told RESET; then follows
     * it. Under the lock, filling.
     */
    private void renew(TopicState state) {
        log.warn("topic '{}': Redis holds messages up to {} of epoch {}, but this server handed on up to {}: Redis "
                + "lost writes (restarted from an older snapshot, or a replica that lagged took over); starting a new "
                + "epoch so that clients are told RESET rather than given other messages under numbers they have. "
                + "Run Redis with appendfsync always to lose nothing", name, state.last(), epoch, last);
        store.renew(name, epoch, last).whenComplete((ignored, failure) -> {
            synchronized (this) {
                if (answered(failure)) {
                    readState();
                }
            }
        });
    }

    /** Takes what waited while not ready or filling, in order, until a hole needs filling again. */
    private void drain() {
        while (!filling && !held.isEmpty()) {
            List<Message> batch = held.poll();
            long bytes = 0;
            for (Message message : batch) {
                bytes += message.memorySize();
            }
            heldBytes -= bytes;
            store.unhold(bytes);
            take(batch);
        }
        if (!filling && behind) {
            behind = false;
            filling = true;
            readState();
        }
    }
}
