package dev.fanout.client;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * Decides when the next connection attempt happens: single-flight (a loss reported while an attempt is
 * waiting or under way changes nothing), spaced by {@link Backoff}, and given up after
 * {@link ReconnectOptions#maxAttempts()} failures in a row. Confined to the client's I/O thread.
 */
final class Reconnector {

    private final ReconnectOptions options;
    private final Backoff backoff;
    private final Scheduler scheduler;
    private final Runnable attempt;
    private final Consumer<String> giveUp;
    /** Losses and failed attempts since the last connection that reached WELCOME. */
    private int failures;
    /** An attempt is scheduled or under way. */
    private boolean pending;
    private boolean stopped;

    /**
     * @param attempt runs one connection attempt; it reports back {@link #connected()} or {@link #failed()}
     * @param giveUp  told, with a description, when the attempts are used up
     */
    Reconnector(ReconnectOptions options, Backoff backoff, Scheduler scheduler, Runnable attempt,
                Consumer<String> giveUp) {
        this.options = options;
        this.backoff = backoff;
        this.scheduler = scheduler;
        this.attempt = attempt;
        this.giveUp = giveUp;
    }

    /** The connection was lost: schedules an attempt, unless one is pending. */
    void lost() {
        if (pending || stopped) {
            return;
        }
        next();
    }

    /** The attempt under way failed: schedules the next one, or gives up. */
    void failed() {
        if (stopped) {
            return;
        }
        pending = false;
        next();
    }

    private void next() {
        failures++;
        if (options.maxAttempts() > 0 && failures > options.maxAttempts()) {
            stopped = true;
            giveUp.accept("gave up reconnecting after " + options.maxAttempts() + " attempts in a row");
            return;
        }
        Duration wait = backoff.delay(failures);
        pending = true;
        scheduler.schedule(() -> {
            if (!stopped) {
                attempt.run();
            }
        }, wait);
    }

    /** The attempt under way reached WELCOME: the count starts again. */
    void connected() {
        pending = false;
        failures = 0;
    }

    /** No more attempts: the client is closing. */
    void stop() {
        stopped = true;
    }

    /** Failures in a row so far. */
    int failures() {
        return failures;
    }
}
