package dev.fanout.client;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bound on publishes not yet sent (any) or not yet acknowledged (acknowledged ones): a count and payload
 * bytes. A publish takes its place on the caller's thread, waiting up to the publish wait for room; the I/O
 * thread gives places back. A single publish larger than the byte bound is let through when nothing else is
 * pending, so it can never wait forever. Thread-safe.
 */
final class PublishBudget {

    private final int maxPublishes;
    private final long maxBytes;
    private final Duration wait;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition room = lock.newCondition();
    private int publishes;
    private long bytes;
    private String closedBecause;

    PublishBudget(int maxPublishes, long maxBytes, Duration wait) {
        this.maxPublishes = maxPublishes;
        this.maxBytes = maxBytes;
        this.wait = wait;
    }

    /**
     * Takes a place for a publish of {@code size} bytes, waiting for room.
     *
     * @throws FanoutException if there was no room within the wait, the client is closed, or the thread was
     *                         interrupted (its flag is set again)
     */
    void take(int size) {
        lock.lock();
        try {
            long left = wait.toNanos();
            while (closedBecause == null && !fits(size)) {
                if (left <= 0) {
                    throw new FanoutException("publish buffer full: " + publishes + " publishes (" + bytes
                            + " bytes) not yet sent or acknowledged, the limits are " + maxPublishes + " and "
                            + maxBytes + " bytes (maxPendingPublishes, maxPendingBytes); waited "
                            + wait.toMillis() + " ms (publishWait)");
                }
                left = room.awaitNanos(left);
            }
            if (closedBecause != null) {
                throw new FanoutException(closedBecause);
            }
            publishes++;
            bytes += size;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FanoutException("interrupted while waiting for room to publish", e);
        } finally {
            lock.unlock();
        }
    }

    private boolean fits(int size) {
        return publishes == 0 || publishes < maxPublishes && bytes + size <= maxBytes;
    }

    /** Gives back the place of a publish of {@code size} bytes. */
    void give(int size) {
        lock.lock();
        try {
            publishes--;
            bytes -= size;
            room.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every waiting publish with a failure, and refuses the ones after. */
    void close(String why) {
        lock.lock();
        try {
            closedBecause = why;
            room.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
