package dev.fanout.source;

import dev.fanout.client.Backoff;
import dev.fanout.client.ReconnectOptions;
import dev.fanout.hub.Broker;
import dev.fanout.hub.Origin;
import dev.fanout.hub.Position;
import dev.fanout.hub.PublishRefusedException;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes what a source reads, in the order it was read, and tells the source's link when to stop reading.
 *
 * <p>A link asks {@link #mustPause()} after what it read and, if so, stops reading until {@link #whenWritable}
 * runs its callback: while the server's publish backlog is full, and while the publish path refuses (a topic
 * limit; later a store that is down). A refused message is not dropped: it is kept, with whatever the link had
 * already read after it, and published again after a wait that grows on each refusal, one at a time and in
 * order; then reading resumes. What is kept is bounded by what one read held, since the link stops reading at
 * the first refusal. A failure that is no refusal (a fault) drops that message, logged as an error.
 * A relay's message that does not follow its topic's last (a repeat after a resume) is let go: the topic has
 * it already. Thread-safe.
 */
final class SourcePublisher {

    private static final Logger log = LoggerFactory.getLogger(SourcePublisher.class);

    private final String describe;
    private final Broker broker;
    private final String topic;
    private final Origin origin;
    private final EventExecutor timers;
    private final Backoff retryWaits;
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong repeats = new AtomicLong();
    /** Refused messages and those read after them, in the order read. */
    private final PriorityQueue<Pending> kept = new PriorityQueue<>();
    private final List<Runnable> waiters = new ArrayList<>();
    private long nextOrder;
    private int refusals;
    private ScheduledFuture<?> retry;
    /** True from a retry's start until everything kept is published: what arrives meanwhile waits its turn. */
    private boolean retrying;
    private boolean closed;

    /**
     * @param describe names the source in log lines
     * @param topic    where {@link #publish} publishes
     * @param timers   runs the retries
     */
    SourcePublisher(String describe, Broker broker, String topic, Origin origin, EventExecutor timers,
                    Backoff retryWaits) {
        this.describe = describe;
        this.broker = broker;
        this.topic = topic;
        this.origin = origin;
        this.timers = timers;
        this.retryWaits = retryWaits;
    }

    /** Publishes {@code payload}, whose reference it takes, to the source's topic. */
    void publish(ByteBuf payload) {
        offer(new Pending(topic, null, payload));
    }

    /** Publishes {@code payload}, whose reference it takes, at the position its upstream gave it: a relay's. */
    void publishAt(String to, Position position, ByteBuf payload) {
        offer(new Pending(to, position, payload));
    }

    private synchronized void offer(Pending pending) {
        pending.order = nextOrder++;
        if (closed) {
            pending.payload.release();
        } else if (!kept.isEmpty() || retrying) {
            kept.add(pending);
        } else {
            CompletableFuture<Position> result = send(pending);
            result.whenComplete((position, failure) -> settled(pending, failure));
        }
    }

    /** Publishes one message, keeping a reference until its fate is known, so a refusal can be retried. */
    private CompletableFuture<Position> send(Pending pending) {
        pending.payload.retain();
        return pending.position == null
                ? broker.publish(pending.topic, pending.payload, origin, null)
                : broker.publishAt(pending.topic, pending.position, pending.payload, origin);
    }

    /** The fate of a message sent on the way in. */
    private synchronized void settled(Pending pending, Throwable failure) {
        if (!refused(pending, failure) || closed) {
            return;
        }
        kept.add(pending);
        if (retry == null && !retrying) {
            scheduleRetry(failure, pending);
        }
    }

    /**
     * Settles a message whose publish completed: true if it was refused and must be kept, having told nothing
     * else; otherwise it is done with (published, a relay's repeat, or a failure a retry cannot mend).
     */
    private boolean refused(Pending pending, Throwable failure) {
        if (failure == null) {
            pending.payload.release();
            published.incrementAndGet();
            return false;
        }
        Throwable cause = PublishRefusedException.cause(failure);
        if (cause instanceof PublishRefusedException refusal
                && refusal.reason() == PublishRefusedException.Reason.OUT_OF_ORDER) {
            pending.payload.release();
            repeats.incrementAndGet();
            log.debug("source {}: {} already holds {}; not published again", describe, pending.topic,
                    pending.position);
            return false;
        }
        if (!(cause instanceof PublishRefusedException) || closed) {
            pending.payload.release();
            if (!closed) {
                log.error("source {}: a message for {} could not be published and is dropped", describe,
                        pending.topic, cause);
            }
            return false;
        }
        return true;
    }

    private void scheduleRetry(Throwable failure, Pending pending) {
        refusals++;
        Duration wait = retryWaits.delay(refusals);
        log.warn("source {}: the server refused a message for {} ({}); reading paused, trying again in {} ms",
                describe, pending.topic, PublishRefusedException.cause(failure).getMessage(), wait.toMillis());
        retry = timers.schedule(this::retryKept, wait.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Publishes what was kept, one at a time and in order; a refusal sends it back to wait longer. */
    private synchronized void retryKept() {
        retry = null;
        retrying = true;
        retryNext();
    }

    /** Sends the kept messages in turn, each once the one before is settled; under the lock. */
    private void retryNext() {
        while (!closed) {
            Pending next = kept.poll();
            if (next == null) {
                resume();
                return;
            }
            CompletableFuture<Position> result = send(next);
            if (!result.isDone()) {
                result.whenComplete((position, failure) -> {
                    synchronized (this) {
                        if (!retried(next, failure)) {
                            retryNext();
                        }
                    }
                });
                return;
            }
            Throwable failure = result.isCompletedExceptionally() ? result.handle((p, f) -> f).join() : null;
            if (retried(next, failure)) {
                return;
            }
        }
    }

    /** Settles a retried message; true if it was refused again, and waits for the next retry. */
    private boolean retried(Pending pending, Throwable failure) {
        if (!refused(pending, failure) || closed) {
            return false;
        }
        kept.add(pending);
        scheduleRetry(failure, pending);
        return true;
    }

    /** Everything kept is published: reading resumes. Under the lock. */
    private void resume() {
        retrying = false;
        log.info("source {}: the server takes messages again; reading resumes", describe);
        refusals = 0;
        List<Runnable> resumed = new ArrayList<>(waiters);
        waiters.clear();
        resumed.forEach(Runnable::run);
    }

    /** True when the link should stop reading until {@link #whenWritable} calls back. */
    boolean mustPause() {
        synchronized (this) {
            if (!kept.isEmpty() || retrying) {
                return true;
            }
        }
        return broker.backlog().isFull();
    }

    /** Runs {@code resume} once the link may read again: at once if it may now. */
    void whenWritable(Runnable resume) {
        synchronized (this) {
            if ((!kept.isEmpty() || retrying) && !closed) {
                waiters.add(resume);
                return;
            }
        }
        if (broker.backlog().isFull()) {
            broker.backlog().whenDrained(resume);
        } else {
            resume.run();
        }
    }

    /**
     * For a link that reads on a thread of its own: waits while it must pause. False if interrupted (the source
     * is stopping).
     */
    boolean awaitWritable() {
        while (mustPause()) {
            CountDownLatch writable = new CountDownLatch(1);
            whenWritable(writable::countDown);
            try {
                writable.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** Messages published. */
    long published() {
        return published.get();
    }

    /** A relay's messages let go because their topic already held them. */
    long repeats() {
        return repeats.get();
    }

    /** Lets go of what is kept and takes nothing more: the source stopped. */
    synchronized void close() {
        closed = true;
        if (retry != null) {
            retry.cancel(false);
        }
        kept.forEach(pending -> pending.payload.release());
        kept.clear();
        waiters.clear();
    }

    /** Waits for the first retry in [0.5, 1) s, doubling up to 30 s. */
    static Backoff defaultRetryWaits() {
        return new Backoff(new ReconnectOptions(0, Duration.ofSeconds(1), Duration.ofSeconds(30),
                2.0, 0.25), () -> ThreadLocalRandom.current().nextDouble());
    }

    /** A message on its way. */
    private static final class Pending implements Comparable<Pending> {
        final String topic;
        final Position position;
        final ByteBuf payload;
        long order;

        Pending(String topic, Position position, ByteBuf payload) {
            this.topic = topic;
            this.position = position;
            this.payload = payload;
        }

        @Override
        public int compareTo(Pending other) {
            return Long.compare(order, other.order);
        }
    }
}
