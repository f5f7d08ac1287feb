package dev.fanout.cli;

import dev.fanout.server.ServerOptions;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last resort of a graceful shutdown: armed when the shutdown starts (the first signal, or {@code /shutdown}
 * at the console), it halts the JVM if the process is still running {@link #EXIT_MARGIN} after the server's own
 * deadline, {@link ServerOptions#shutdownTimeout()}. The server keeps that deadline by itself; what can still
 * overrun it is outside its control: a long collection pause under heap pressure, or a JVM exit that does not
 * end. Before halting it logs one line at ERROR (waiting 200 ms at most for it to be written); the exit status
 * is then {@link #EXIT_STATUS}.
 *
 * <p>Thread-safe; arming again does nothing. The watch runs on a daemon thread of its own, which needs no other
 * thread of the process to make progress.
 */
final class ShutdownWatchdog {

    /**
     * Exit status of a shutdown the watchdog had to end: 124, what {@code timeout(1)} returns for a command that
     * ran out of time. Distinct from 0 (stopped in time), 1 (could not start, or a second signal), 2 (a bad
     * option) and 3 (the JVM ran out of heap).
     */
    static final int EXIT_STATUS = 124;

    /**
     * How long after the server's deadline the process may take to exit before it is halted: logging the last
     * lines and ending the JVM, which took up to 0.8 s with gigabytes queued for stuck clients, plus room for a
     * collection pause.
     */
    static final Duration EXIT_MARGIN = Duration.ofSeconds(1);

    /** The longest the watchdog waits for its log line to be written before it halts anyway. */
    private static final Duration LOG_WAIT = Duration.ofMillis(200);

    private static final Logger log = LoggerFactory.getLogger(ShutdownWatchdog.class);

    private final Duration drainTimeout;
    private final Duration limit;
    private final IntConsumer halt;
    private final AtomicBoolean armed = new AtomicBoolean();

    /** A watchdog for a server with {@code options} that halts the JVM through {@link Runtime#halt(int)}. */
    ShutdownWatchdog(ServerOptions options) {
        this(options.drainTimeout(), options.shutdownTimeout().plus(EXIT_MARGIN), Runtime.getRuntime()::halt);
    }

    /**
     * A watchdog that calls {@code halt} with {@link #EXIT_STATUS} when {@code limit} has passed since it was
     * armed; {@code drainTimeout} is only named in its log line. For tests.
     */
    ShutdownWatchdog(Duration drainTimeout, Duration limit, IntConsumer halt) {
        this.drainTimeout = drainTimeout;
        this.limit = limit;
        this.halt = halt;
    }

    /** How long after being armed it halts the process. */
    Duration limit() {
        return limit;
    }

    /** Starts the countdown, from now; returns at once. Only the first call counts. */
    void arm() {
        if (!armed.compareAndSet(false, true)) {
            return;
        }
        long deadline = System.nanoTime() + limit.toNanos();
        Thread watch = new Thread(() -> watch(deadline), "fanout-shutdown-watchdog");
        watch.setDaemon(true);
        watch.start();
    }

    private void watch(long deadline) {
        // Parked, not sleeping: a spurious wake-up or an interrupt only re-checks the time.
        for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(this, left);
        }
        // Said on a thread of its own: a log that cannot be written (stderr blocked) must not keep the process up.
        Thread say = new Thread(() -> log.error("shutdown still not finished {} ms after it began (--drain-timeout "
                        + "{} ms, then {} ms to close and {} ms to exit); halting with exit status {}",
                limit.toMillis(), drainTimeout.toMillis(), ServerOptions.SHUTDOWN_GRACE.toMillis(),
                EXIT_MARGIN.toMillis(), EXIT_STATUS), "fanout-shutdown-watchdog-log");
        say.setDaemon(true);
        say.start();
        try {
            say.join(LOG_WAIT.toMillis());
        } catch (InterruptedException e) {
            // Halting regardless.
        }
        halt.accept(EXIT_STATUS);
    }
}
