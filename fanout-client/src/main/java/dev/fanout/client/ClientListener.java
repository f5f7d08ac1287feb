package dev.fanout.client;

/**
 * Told about a client's connection and its subscriptions' streams. Every method does nothing by default:
 * override what matters.
 *
 * <p><b>Thread.</b> Connection events ({@code onConnected}, {@code onDisconnected}, {@code onReconnected},
 * {@code onResubscribed}, {@code onClosed}, {@code onError}) are called one at a time, in order, on the
 * client's callback executor, never on the I/O thread. {@code onGap}, {@code onReset} and
 * {@code onCallbackError} concern one subscription and are called in that subscription's stream order: on its
 * handler's thread, or for a {@link MessageStream} on the thread reading it.
 *
 * <p><b>Errors.</b> An exception a listener method throws is caught and logged (System.Logger, WARNING), and
 * changes nothing.
 */
public interface ClientListener {

    /** The first connection was made (the server sent WELCOME). */
    default void onConnected(ConnectionInfo info) {
    }

    /** A connection ended; the client reconnects unless it is closed or gives up. */
    default void onDisconnected(Disconnect disconnect) {
    }

    /** A connection was made again; the subscriptions are being resumed and unacknowledged publishes re-sent. */
    default void onReconnected(ConnectionInfo info) {
    }

    /** The server confirmed a subscription made again after a reconnect. */
    default void onResubscribed(Subscription subscription) {
    }

    /** A subscription will never deliver some messages: the server no longer holds them. */
    default void onGap(Subscription subscription, GapEvent gap) {
    }

    /** A topic of a subscription started a new epoch: delivery goes on from its new numbering. */
    default void onReset(Subscription subscription, ResetEvent reset) {
    }

    /** A subscription's handler threw; the subscription goes on. */
    default void onCallbackError(Subscription subscription, Message message, Throwable error) {
    }

    /**
     * The server refused something (an ERROR frame). A refused acknowledged publish also fails its future, a
     * refused subscription also ends it.
     */
    default void onError(FanoutException error) {
    }

    /**
     * The client is closed: by the application ({@code failure} null) or because it gave up reconnecting
     * ({@code failure} says why). The last call this listener gets.
     */
    default void onClosed(FanoutException failure) {
    }
}
