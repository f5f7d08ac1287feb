package dev.fanout.client;

/**
 * Receives the messages of one subscription, one at a time, in the order of each topic's sequence numbers.
 *
 * <p><b>Thread.</b> Called on a thread of the client's callback executor, never on the I/O thread, and never
 * for two messages of the same subscription at once; different subscriptions may be called concurrently. A
 * handler that takes long holds up its own subscription (and, once its buffer is full, the reading of the
 * connection: see {@code docs/client.md}), nothing else.
 *
 * <p><b>Errors.</b> Whatever it throws is caught, counted ({@link Subscription#callbackErrors()}) and told to
 * {@link ClientListener#onCallbackError}; delivery goes on with the next message.
 */
@FunctionalInterface
public interface MessageHandler {

    /**
     * Handles one message, whose payload the application now owns.
     *
     * @throws Exception anything; see the interface comment
     */
    void onMessage(Message message) throws Exception;
}
