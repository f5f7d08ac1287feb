package dev.fanout.hub;

import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Where topics keep their recent messages: it numbers what is published and replays it to clients that resume.
 *
 * <p>Every result arrives as a future that may complete later, on another thread, or fail: an implementation
 * may keep messages in memory, on disk or in another server, and nothing above this interface may assume
 * which. Two rules hold for all of them: the appends to one topic complete in the order they were made, and a
 * topic's sequence numbers never go back within an epoch. Messages handed out carry one reference that the
 * receiver releases. Thread-safe.
 */
public interface HistoryStore extends AutoCloseable {

    /**
     * Appends {@code payloads} (ownership passes to the store) as the topic's next messages, numbered on from its
     * last, and completes with them in order.
     */
    CompletableFuture<List<Message>> append(String topic, List<ByteBuf> payloads, Origin origin,
                                            long publishedAtMillis);

    /**
     * Appends {@code payload} (ownership passes to the store) at a position chosen elsewhere: a relay keeps its
     * upstream's numbers. A position of another epoch starts the topic afresh in that epoch; one that is not
     * after the topic's last fails with {@link IllegalArgumentException}; one past the next leaves the history
     * starting at it.
     */
    CompletableFuture<Message> appendAt(String topic, Position position, ByteBuf payload, Origin origin,
                                        long publishedAtMillis);

    /**
     * Reads up to {@code maxMessages} messages (and about {@code maxBytes} of payload, at least one message)
     * from sequence {@code from} on, in order. What is older than the first held is not there: the result then
     * starts at the first held, and the caller compares with {@link #state}.
     */
    CompletableFuture<List<Message>> read(String topic, long from, int maxMessages, long maxBytes);

    /**
     * The sequence number of the first message held that was published at or after {@code millis} (milliseconds
     * since 1970), or the last + 1 if none was. If messages published at or after that moment may already be
     * gone, the first sequence of the topic's epoch instead, which is older than the first held: a caller that
     * replays from it is told what is gone, as when resuming from a sequence no longer held.
     */
    CompletableFuture<Long> firstSince(String topic, long millis);

    /** The topic's epoch and what it holds; a topic the store does not know gets a new epoch. */
    CompletableFuture<TopicState> state(String topic);

    /**
     * Forgets the topic and everything held for it: it starts afresh, in a new epoch, if it comes back. A
     * {@linkplain #isShared() shared} store keeps the topic for the other servers and only stops following it.
     */
    void forget(String topic);

    /**
     * Whether other servers append to this store too, as the nodes of a cluster do: then a topic's messages reach
     * its subscribers only through {@link #follow}, whoever published them, so that every server delivers them in
     * the one order the store gave them; and a topic here lives only while it has subscribers here.
     */
    default boolean isShared() {
        return false;
    }

    /**
     * For a {@linkplain #isShared() shared} store: hands every message of {@code topic} appended from now on to
     * {@code deliver}, in sequence order, one reference each, until {@link #forget}. {@link #state} of the topic
     * answers once following has begun, so that a subscriber that reads history up to the state's last and
     * then takes what is delivered misses nothing. A store that is not shared never calls {@code deliver}.
     */
    default void follow(String topic, Consumer<List<Message>> deliver) {
    }

    /**
     * Lets go of messages older than the history's age bound, if it has one; the server calls this every second,
     * so that topics nobody publishes to any more expire too.
     */
    default void expire(long nowMillis) {
    }

    /**
     * The topics the store held when it opened, each with its state and its last message's publish time: what a
     * durable store brought back from before a restart. A store that starts empty has none.
     */
    default List<StoredTopic> restored() {
        return List.of();
    }

    /**
     * A topic a durable store brought back.
     *
     * @param name                  the topic's name
     * @param state                 what its history holds
     * @param lastPublishedAtMillis when its last message was published, 0 if never
     */
    record StoredTopic(String name, TopicState state, long lastPublishedAtMillis) {
    }

    /**
     * For a {@linkplain #isShared() shared} store: tells {@code discovered} of each topic {@code filter} (a pattern)
     * matches that another server publishes to while this one does not follow it, until {@link #unwatchPattern};
     * so that a pattern subscription here joins topics made anywhere. Watches of one filter are counted.
     */
    default void watchPattern(String filter, Consumer<String> discovered) {
    }

    /** Ends one {@link #watchPattern} of {@code filter}. */
    default void unwatchPattern(String filter) {
    }

    /**
     * For a {@linkplain #isShared() shared} store: up to {@code max} of the topics it holds that {@code filter}
     * matches, including those no server here follows; every topic held throughout the call is among them unless
     * {@code max} cut the list. A store that is not shared holds no topic the hub does not know, and answers none.
     */
    default CompletableFuture<List<String>> topicsMatching(String filter, int max) {
        return CompletableFuture.completedFuture(List.of());
    }

    /** Where the history lives and what it holds, for people: for the start log and the console's /stats. */
    String describe();

    /** Releases what the store holds. */
    @Override
    void close();
}
