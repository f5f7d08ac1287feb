package dev.fanout.client;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A subscription to a topic or a pattern, which lives until it is closed or its client is: it survives
 * reconnects, resuming after the last message it delivered. Thread-safe.
 *
 * <p>Made by {@link FanoutClient#subscribe(String, SubscribeOptions, MessageHandler)} (messages go to a
 * handler) or {@link FanoutClient#subscribe(String, SubscribeOptions)} (a {@link MessageStream} the
 * application iterates).
 */
public interface Subscription extends AutoCloseable {

    /** The topic or pattern subscribed to. */
    String filter();

    /** The options it was made with. */
    SubscribeOptions options();

    /**
     * Completes when the server first confirms the subscription, or exceptionally with a
     * {@link FanoutException} naming the server's refusal (a pattern or topic it will not serve, too many
     * subscriptions) or the client's close. Completed on the client's callback thread.
     */
    CompletableFuture<Void> subscribed();

    /** Until closed (by the application, its client, or a refusal): true. */
    boolean isActive();

    /** The position of the last message delivered, per topic (one topic unless a pattern). A snapshot. */
    Map<String, Position> positions();

    /** Messages delivered to the application so far. */
    long delivered();

    /** Exceptions the handler threw so far (always 0 for a {@link MessageStream}). */
    long callbackErrors();

    /** How often the library subscribed again to fill a hole in a topic's numbering, not counting reconnects. */
    long refills();

    /**
     * Ends the subscription: the server is told (if connected), buffered messages are dropped and nothing more
     * is delivered once a handler call in progress returns. Idempotent; never throws; does not block.
     */
    @Override
    void close();

    /** The same as {@link #close()}. */
    default void unsubscribe() {
        close();
    }
}
