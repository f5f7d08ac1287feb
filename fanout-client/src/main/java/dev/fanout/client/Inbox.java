package dev.fanout.client;

import java.util.ArrayDeque;

/**
 * One subscription's buffer between the I/O thread, which adds what the server sent, and the application,
 * which takes it: messages, and the events ({@link StreamEvent}) that belong between them.
 *
 * <p>Bounded in messages and payload bytes, softly: the I/O thread never drops what it adds (that would be a
 * hole), it is told the buffer is full and stops reading the connection, so the buffer can pass its bound by
 * what one socket read held. Once the application has taken it down to half, {@code onRoom} runs (on the
 * taking thread) so that reading resumes. Thread-safe.
 */
final class Inbox {

    private final int maxMessages;
    private final long maxBytes;
    private final Runnable onRoom;
    private final ArrayDeque<Object> items = new ArrayDeque<>();
    private int messages;
    private long bytes;
    private boolean full;
    private boolean ended;
    private FanoutException failure;

    /** {@code onRoom} runs when a full buffer has been taken down to half its bounds. */
    Inbox(int maxMessages, long maxBytes, Runnable onRoom) {
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
        this.onRoom = onRoom;
    }

    /** Adds a message or an event; returns true if the buffer is now full. Nothing is added once ended. */
    synchronized boolean add(Object item) {
        if (ended) {
            return false;
        }
        items.add(item);
        if (item instanceof Message message) {
            messages++;
            bytes += message.payload().length;
            if (messages >= maxMessages || bytes >= maxBytes) {
                full = true;
            }
        }
        notifyAll();
        return full;
    }

    /** True while full: the connection should not be read. */
    synchronized boolean isFull() {
        return full;
    }

    /** The next item, or null if none waits. */
    Object poll() {
        Object item;
        boolean room;
        synchronized (this) {
            item = items.poll();
            room = taken(item);
        }
        if (room) {
            onRoom.run();
        }
        return item;
    }

    /**
     * The next item, waiting up to {@code nanos}; null on timeout, or once ended and empty.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    Object take(long nanos) throws InterruptedException {
        Object item;
        boolean room;
        synchronized (this) {
            long deadline = System.nanoTime() + nanos;
            while (items.isEmpty() && !ended) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                // Waits at most the time left, rounded up to a whole millisecond.
                wait(Math.max(1, (left + 999_999) / 1_000_000));
            }
            item = items.poll();
            room = taken(item);
        }
        if (room) {
            onRoom.run();
        }
        return item;
    }

    /** Accounts for an item taken; true if the buffer just stopped being full. Under the lock. */
    private boolean taken(Object item) {
        if (!(item instanceof Message message)) {
            return false;
        }
        messages--;
        bytes -= message.payload().length;
        if (full && messages <= maxMessages / 2 && bytes <= maxBytes / 2) {
            full = false;
            return true;
        }
        return false;
    }

    /** Ends the buffer: nothing more is added; what waits can still be taken. */
    synchronized void end(FanoutException why) {
        if (!ended) {
            ended = true;
            failure = why;
        }
        notifyAll();
    }

    /** Ends the buffer and drops what waits. Returns true if it was full (reading may resume). */
    synchronized boolean clear() {
        ended = true;
        items.clear();
        messages = 0;
        bytes = 0;
        boolean wasFull = full;
        full = false;
        notifyAll();
        return wasFull;
    }

    /** True once ended and empty: nothing more will come. */
    synchronized boolean isDone() {
        return ended && items.isEmpty();
    }

    /** Why the buffer ended, if by a failure; null otherwise. */
    synchronized FanoutException failure() {
        return failure;
    }
}
