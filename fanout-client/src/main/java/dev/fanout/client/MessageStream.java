package dev.fanout.client;

import java.time.Duration;
import java.util.Iterator;

/**
 * A subscription the application reads at its own pace: {@code for (Message m : client.subscribe("prices.>"))}.
 * Messages wait in the subscription's bounded buffer until taken; while it is full, the client stops reading
 * from the server (see {@code docs/client.md}).
 *
 * <p><b>Thread.</b> Meant for one reading thread. {@link ClientListener#onGap} and
 * {@link ClientListener#onReset} for this subscription are called on the reading thread, inside
 * {@code hasNext()} or {@link #poll}, just before the first message they concern, so they come in stream
 * order.
 *
 * <p><b>End.</b> The iteration ends ({@code hasNext()} is false) once the subscription is closed, by
 * {@link #close()}, by its client's close, or when the reading thread is interrupted (its interrupt flag is
 * set again). If it ended because the server refused it or the client gave up reconnecting, {@code hasNext()}
 * throws that {@link FanoutException} instead.
 */
public interface MessageStream extends Subscription, Iterable<Message> {

    /**
     * The next message, waiting up to {@code timeout}; null if none came in time or the stream has ended.
     *
     * @throws FanoutException      if the stream ended by a failure (see the class comment)
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    Message poll(Duration timeout) throws InterruptedException;

    /** An iterator over the messages, whose {@code hasNext()} blocks until one comes or the stream ends. */
    @Override
    Iterator<Message> iterator();
}
