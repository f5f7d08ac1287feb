package dev.fanout.server.control;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bound on control-mode subscriptions of all connections together, each topic a pattern covers counted as
 * one: each costs the server a few hundred bytes, and clients choose how many they make. Thread-safe.
 */
public final class SubscriptionBudget {

    /** Default: 1,000,000 subscriptions, about 300 MiB, all clients together. */
    public static final int DEFAULT_MAX = 1_000_000;

    private final int max;
    private final AtomicInteger held = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();

    /** A budget of {@code max} subscriptions. */
    public SubscriptionBudget(int max) {
        this.max = max;
    }

    /** Takes one place; false at the bound (counted). */
    boolean take() {
        if (held.incrementAndGet() <= max) {
            return true;
        }
        held.decrementAndGet();
        refused.incrementAndGet();
        return false;
    }

    /** Gives back a place {@link #take} took. */
    void giveBack() {
        held.decrementAndGet();
    }

    /** The bound. */
    public int max() {
        return max;
    }

    /** Places held now. */
    public int held() {
        return held.get();
    }

    /** Subscriptions refused at the bound since start. */
    public long refused() {
        return refused.get();
    }
}
