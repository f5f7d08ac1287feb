package dev.fanout.client;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs tasks one at a time, in the order given, on threads of a shared executor: what keeps one
 * subscription's messages (or the listener's events) in order while many share a pool. A task that throws
 * does not stop the ones after it. Thread-safe.
 */
final class SerialExecutor implements Executor {

    /** Tasks run in one turn before the thread is given back to the pool, so that others get a turn too. */
    private static final int TURN = 256;

    private final Executor pool;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private boolean scheduled;

    SerialExecutor(Executor pool) {
        this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
        synchronized (tasks) {
            tasks.add(task);
            if (scheduled) {
                return;
            }
            scheduled = true;
        }
        schedule();
    }

    private void schedule() {
        try {
            pool.execute(this::runTurn);
        } catch (RejectedExecutionException e) {
            // The pool was shut down: the client is closed and nothing more is delivered.
            synchronized (tasks) {
                tasks.clear();
                scheduled = false;
            }
        }
    }

    private void runTurn() {
        for (int i = 0; i < TURN; i++) {
            Runnable next;
            synchronized (tasks) {
                next = tasks.poll();
                if (next == null) {
                    scheduled = false;
                    return;
                }
            }
            try {
                next.run();
            } catch (RuntimeException | Error e) {
                ClientLog.LOG.log(System.Logger.Level.WARNING, "a callback task failed", e);
            }
        }
        schedule();
    }
}
