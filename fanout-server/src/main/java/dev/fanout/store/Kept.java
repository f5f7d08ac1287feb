package dev.fanout.store;

/**
 * What a {@link TopicRing} needs to know of the entries it keeps: a message in memory, or where one lies on disk.
 *
 * @param <T> the kind of entry
 */
public interface Kept<T> {

    /** The entry's sequence number. */
    long sequence(T entry);

    /** When the entry's message was published, in milliseconds since 1970. */
    long publishedAtMillis(T entry);

    /** What the entry counts against the history's bounds, in bytes. */
    long size(T entry);

    /** Lets go of what the entry holds, once the ring no longer keeps it. */
    void release(T entry);
}
