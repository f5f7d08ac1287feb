package dev.fanout.source;

import dev.fanout.client.Backoff;
import dev.fanout.hub.Origin;
import dev.fanout.protocol.Durations;
import dev.fanout.server.source.Source;
import dev.fanout.server.source.SourceContext;
import dev.fanout.server.source.SourceState;
import dev.fanout.server.source.SourceStatus;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds one upstream: opens a link, and when it ends opens the next after a wait that grows with each failure
 * ({@link SourceSettings#backoff()}), forever. There is never more than one link: the next is opened only
 * once the last has told it ended, so reconnect races cannot make two. Each state change is logged once.
 * An upstream silent for {@link SourceSettings#idleTimeout()} is dropped and reconnected. The waits start
 * again from the shortest after a link that delivered messages or stayed connected at least as long as the
 * longest wait (an upstream that accepts and drops at once, or a command that fails at once, keeps backing off);
 * an upstream may ask for a wait of its own after such a link (server-sent events' {@code retry:}), at most the
 * longest wait.
 *
 * <p>State changes run on one event loop of the server's, so they need no locks and never block it; links
 * call in from any thread. Stopping closes the link and completes when it has ended, without waiting on a
 * blocked read. Thread-safe.
 */
final class SupervisedSource implements Source {

    private static final Logger log = LoggerFactory.getLogger(SupervisedSource.class);

    private final Upstream upstream;
    private final String describe;
    private final String feeds;
    private final String originName;
    private final SourceSettings settings;
    private final boolean mirrors;
    private final Backoff backoff;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final AtomicLong lastHeardMillis = new AtomicLong(-1);
    private final AtomicLong connects = new AtomicLong();
    private volatile Snapshot snapshot;
    // Set once, at start.
    private volatile SourceContext context;
    private volatile EventLoop loop;
    private volatile SourcePublisher publisher;

    // Loop-confined state.
    private Link link;
    /** Links in a row that ended before they had lasted; the wait grows with it. */
    private int failures;
    private long linkNumber;
    private long connectedAtNanos;
    /** Messages published when the link opened: one that delivered anything was healthy. */
    private long publishedAtOpen;
    /** When the idle clock last started: the link's opening. */
    private long idleSince;
    private String closing;
    private boolean stopping;
    private Duration askedWait;
    private ScheduledFuture<?> timer;

    /**
     * @param upstream   where it reads
     * @param describe   how logs name it: its topic and upstream
     * @param feeds      the topic (or pattern) it publishes to
     * @param originName the name its messages carry, as chat clients see it
     */
    SupervisedSource(Upstream upstream, String describe, String feeds, String originName, SourceSettings settings) {
        this(upstream, describe, feeds, originName, settings, false);
    }

    /** As above; {@code mirrors} for a relay, whose topics keep their upstream's numbers. */
    SupervisedSource(Upstream upstream, String describe, String feeds, String originName, SourceSettings settings,
                     boolean mirrors) {
        this.mirrors = mirrors;
        this.upstream = upstream;
        this.describe = describe;
        this.feeds = feeds;
        this.originName = originName;
        this.settings = settings;
        this.backoff = new Backoff(settings.backoff(), () -> ThreadLocalRandom.current().nextDouble());
        this.snapshot = new Snapshot(SourceState.CONNECTING, "not started", Instant.now());
    }

    @Override
    public String describe() {
        return describe;
    }

    @Override
    public String feeds() {
        return feeds;
    }

    @Override
    public boolean mirrors() {
        return mirrors;
    }

    @Override
    public void start(SourceContext context) {
        this.context = context;
        loop = context.loops().next();
        publisher = new SourcePublisher(describe, context.broker(), feeds, Origin.of(originName), loop,
                SourcePublisher.defaultRetryWaits());
        loop.execute(this::open);
    }

    @Override
    public CompletableFuture<Void> stop() {
        if (loop == null) {
            stopped.complete(null);
            return stopped;
        }
        loop.execute(() -> {
            if (stopping) {
                return;
            }
            stopping = true;
            cancelTimer();
            publisher.close();
            if (link == null) {
                enter(SourceState.STOPPED, "stopped by the server");
                stopped.complete(null);
            } else {
                closing = "the server is stopping";
                link.close();
            }
        });
        return stopped;
    }

    @Override
    public SourceStatus status() {
        Snapshot now = snapshot;
        long heard = lastHeardMillis.get();
        return new SourceStatus(describe, now.state, now.detail, now.since,
                publisher == null ? 0 : publisher.published(), connects.get(),
                heard < 0 ? null : Instant.ofEpochMilli(heard));
    }

    private void open() {
        if (stopping) {
            return;
        }
        long number = ++linkNumber;
        closing = null;
        connectedAtNanos = 0;
        publishedAtOpen = publisher.published();
        enter(SourceState.CONNECTING, "attempt " + (failures + 1));
        if (failures <= 1) {
            // The first attempt, and the first after a link that had lasted; later ones repeat it.
            log.info("source {}: connecting", describe);
        } else {
            log.debug("source {}: connecting (attempt {})", describe, failures + 1);
        }
        try {
            link = upstream.open(context, publisher, new Events(number));
        } catch (RuntimeException e) {
            log.warn("source {}: opening a connection failed", describe, e);
            ended("could not open a connection: " + Failures.describe(e));
            return;
        }
        armIdleTimer();
    }

    private void connected(String where) {
        connects.incrementAndGet();
        connectedAtNanos = System.nanoTime();
        enter(SourceState.CONNECTED, "reading " + where);
        log.info("source {}: connected to {}", describe, where);
    }

    private void ended(String reason) {
        link = null;
        cancelTimer();
        String why = closing != null ? closing : reason;
        if (stopping) {
            enter(SourceState.STOPPED, "stopped by the server");
            log.info("source {}: stopped after {} messages", describe, publisher.published());
            stopped.complete(null);
            return;
        }
        boolean lasted = connectedAtNanos != 0
                && (publisher.published() > publishedAtOpen
                || System.nanoTime() - connectedAtNanos >= settings.backoff().maxWait().toNanos());
        if (!upstream.reopens()) {
            enter(SourceState.ENDED, why);
            log.info("source {}: ended ({}) after {} messages; clients stay connected", describe, why,
                    publisher.published());
            return;
        }
        failures = lasted ? 1 : failures + 1;
        Duration wait = backoff.delay(failures);
        if (askedWait != null && failures == 1) {
            // The upstream's own wait (an event stream's retry:, a redirect's none), once, at most the longest.
            Duration longest = settings.backoff().maxWait();
            wait = askedWait.compareTo(longest) > 0 ? longest : askedWait;
        }
        askedWait = null;
        String waitText = Durations.format(wait);
        boolean wasConnected = snapshot.state == SourceState.CONNECTED;
        enter(SourceState.RETRYING, why + "; retrying in " + waitText);
        if (wasConnected) {
            log.warn("source {}: lost: {}; retrying in {}", describe, why, waitText);
        } else {
            log.warn("source {}: could not connect: {}; retrying in {}", describe, why, waitText);
        }
        timer = loop.schedule(this::open, wait.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Checks for silence every so often while a link is open, if an idle timeout is set. */
    private void armIdleTimer() {
        Duration idle = settings.idleTimeout();
        if (idle.isZero()) {
            return;
        }
        idleSince = context.clock().millis();
        timer = loop.schedule(this::checkIdle, idle.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void checkIdle() {
        if (link == null) {
            return;
        }
        long idleMillis = settings.idleTimeout().toMillis();
        if (publisher.mustPause()) {
            // Not reading is this server's doing, not the upstream's silence: the clock starts again.
            idleSince = context.clock().millis();
        }
        long last = Math.max(idleSince, lastHeardMillis.get());
        long silent = context.clock().millis() - last;
        if (silent >= idleMillis) {
            closing = "silent for " + Durations.format(Duration.ofMillis(silent)) + " (--source-idle-timeout)";
            link.close();
            return;
        }
        timer = loop.schedule(this::checkIdle, idleMillis - silent, TimeUnit.MILLISECONDS);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void enter(SourceState state, String detail) {
        Snapshot last = snapshot;
        Instant now = context.clock().instant();
        // Attempts and the waits between them are one stretch of trying: "since" is when it began.
        boolean trying = state == SourceState.CONNECTING || state == SourceState.RETRYING;
        boolean wasTrying = last.state == SourceState.CONNECTING || last.state == SourceState.RETRYING;
        snapshot = new Snapshot(state, detail, trying && wasTrying ? last.since : now);
    }

    /** The events of one link; those of a link already replaced are ignored. */
    private final class Events implements LinkEvents {
        private final long number;
        private final AtomicBoolean ended = new AtomicBoolean();

        Events(long number) {
            this.number = number;
        }

        @Override
        public void connected(String where) {
            onLoop(() -> SupervisedSource.this.connected(where));
        }

        @Override
        public void heard() {
            lastHeardMillis.set(context.clock().millis());
        }

        @Override
        public void retryAfter(Duration wait) {
            onLoop(() -> askedWait = wait);
        }

        @Override
        public void ended(String reason) {
            // A link may say so from more than one path (its close and its failure race): the first one counts.
            if (ended.compareAndSet(false, true)) {
                onLoop(() -> SupervisedSource.this.ended(reason));
            }
        }

        private void onLoop(Runnable task) {
            loop.execute(() -> {
                if (number == linkNumber) {
                    task.run();
                }
            });
        }
    }

    private record Snapshot(SourceState state, String detail, Instant since) {
    }
}
