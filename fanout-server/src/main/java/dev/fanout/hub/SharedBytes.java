package dev.fanout.hub;

/**
 * Bytes that many subscribers' queues hold at once: one batch's shared encoding. Whoever holds them first
 * counts them, whoever lets go last gives them back, so a server-wide memory bound counts them once however
 * many subscribers wait on them. Loop-confined, like the batch that made them.
 */
public final class SharedBytes {

    private final int size;
    private int holders;

    /** Bytes of one buffer of {@code size} bytes, held by nobody yet (a replay's buffer has one holder). */
    public SharedBytes(int size) {
        this.size = size;
    }

    /** One more holder; returns the bytes it newly holds: the size for the first holder, else 0. */
    public long hold() {
        return holders++ == 0 ? size : 0;
    }

    /** One holder fewer; returns the bytes no longer held: the size when the last one lets go, else 0. */
    public long release() {
        return --holders == 0 ? size : 0;
    }
}
