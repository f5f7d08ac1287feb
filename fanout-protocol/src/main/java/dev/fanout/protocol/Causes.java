package dev.fanout.protocol;

import java.util.concurrent.CompletionException;

/**
 * Walking a failure's chain of causes: whether one of a type is in it, the innermost, and the failure itself out of
 * the {@link CompletionException} a dependent stage wraps it in. A chain is followed at most {@link #MAX_DEPTH} links,
 * as one that loops back on itself would never end.
 */
public final class Causes {

    /** The most links followed. */
    static final int MAX_DEPTH = 64;

    private Causes() {
    }

    /** Whether {@code failure} or one of its causes is a {@code type}. */
    public static boolean has(Throwable failure, Class<? extends Throwable> type) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < MAX_DEPTH; depth++, t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** The innermost cause of {@code failure}: the one with none of its own (or {@code failure} itself). */
    public static Throwable root(Throwable failure) {
        Throwable root = failure;
        for (int depth = 0; root.getCause() != null && root.getCause() != root && depth < MAX_DEPTH; depth++) {
            root = root.getCause();
        }
        return root;
    }

    /** {@code failure} out of the {@link CompletionException} a dependent stage wraps it in, if it is one. */
    public static Throwable unwrapped(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
