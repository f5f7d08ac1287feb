package dev.fanout.client;

import java.time.Duration;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A subscription the application reads itself, as a {@link MessageStream}: the reading thread takes items
 * from the inbox, telling the listener about gaps and resets on the way.
 */
final class StreamSubscription extends SubscriptionCore implements MessageStream {

    StreamSubscription(ClientCore client, String filter, SubscribeOptions options, int bufferMessages,
                       long bufferBytes) {
        super(client, filter, options, bufferMessages, bufferBytes);
    }

    @Override
    void added() {
        // The reader waits on the inbox itself.
    }

    @Override
    public Message poll(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Object item = inbox.take(Math.max(0, deadline - System.nanoTime()));
            if (item == null) {
                failIfFailed();
                return null;
            }
            if (item instanceof StreamEvent event) {
                client.events().tellNow(event, this);
                continue;
            }
            Message message = (Message) item;
            deliveredOne(message);
            return message;
        }
    }

    private void failIfFailed() {
        FanoutException failure = inbox.failure();
        if (failure != null && inbox.isDone()) {
            throw failure;
        }
    }

    @Override
    public Iterator<Message> iterator() {
        return new Iterator<>() {
            private Message next;

            @Override
            public boolean hasNext() {
                if (next != null) {
                    return true;
                }
                try {
                    while (next == null) {
                        if (inbox.isDone()) {
                            failIfFailed();
                            return false;
                        }
                        next = poll(Duration.ofDays(1));
                    }
                    return true;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }

            @Override
            public Message next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("the subscription to '" + filter + "' has ended");
                }
                Message message = next;
                next = null;
                return message;
            }
        };
    }
}
