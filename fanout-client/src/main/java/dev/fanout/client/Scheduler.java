package dev.fanout.client;

import java.time.Duration;

/** Runs a task after a delay: the I/O event loop in the client, a recording fake in tests. */
@FunctionalInterface
interface Scheduler {

    /** Runs {@code task} once, after {@code delay}. */
    void schedule(Runnable task, Duration delay);
}
