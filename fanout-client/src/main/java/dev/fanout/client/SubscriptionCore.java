package dev.fanout.client;

import dev.fanout.protocol.control.ControlFrame;
import dev.fanout.protocol.control.TopicNames;
import io.netty.buffer.ByteBufUtil;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What both kinds of subscription share: the wire side, confined to the client's I/O thread (the current
 * subscription id, the {@link TopicCursors}), and the application side, which any thread may read (the
 * {@link Inbox}, the counters, the positions delivered).
 */
abstract class SubscriptionCore implements Subscription {

    final ClientCore client;
    final String filter;
    final boolean pattern;
    final SubscribeOptions options;
    final Inbox inbox;
    final CompletableFuture<Void> subscribed = new CompletableFuture<>();
    private final ConcurrentHashMap<String, Position> positions = new ConcurrentHashMap<>();
    private final AtomicLong delivered = new AtomicLong();
    final AtomicLong callbackErrors = new AtomicLong();
    final AtomicLong refills = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();

    // I/O thread only.
    final TopicCursors cursors;
    /** The id the server knows this subscription by now; 0 while it has none. */
    int wireId;
    /** The server confirmed {@link #wireId}. */
    boolean confirmed;
    /** The server confirmed it on some connection: a later SUB is a resubscription. */
    boolean everConfirmed;
    /** Times in a row the server could not serve it for now (UNAVAILABLE): how long to wait before the next SUB. */
    int unavailableInARow;
    /** Tell the listener when the server confirms the SUB sent after a reconnect. */
    boolean announceResubscribed;

    SubscriptionCore(ClientCore client, String filter, SubscribeOptions options, int bufferMessages,
                     long bufferBytes) {
        this.client = client;
        this.filter = filter;
        this.pattern = TopicNames.isPattern(filter);
        this.options = options;
        this.cursors = new TopicCursors(filter, options);
        this.inbox = new Inbox(options.bufferMessages() > 0 ? options.bufferMessages() : bufferMessages,
                options.bufferBytes() > 0 ? options.bufferBytes() : bufferBytes, client::roomAgain);
    }

    /** Something was added to the inbox: deliver it (handler) or let the reader take it (stream). */
    abstract void added();

    /** On the I/O thread: a MSG for this subscription's current id. Returns true if its inbox is now full. */
    final boolean accept(ControlFrame.Msg msg) {
        Message message = new Message(msg.topic(), msg.epoch(), msg.sequence(), msg.publishedAtMillis(),
                ByteBufUtil.getBytes(msg.payload()));
        boolean full = inbox.add(message);
        added();
        return full;
    }

    /** On the I/O thread: a gap or reset to report in stream order. */
    final void report(StreamEvent event) {
        inbox.add(event);
        added();
    }

    /** On the taking thread: the application got {@code message}. */
    final void deliveredOne(Message message) {
        delivered.incrementAndGet();
        positions.put(message.topic(), message.position());
    }

    /** Ends the subscription for {@code failure} (a refusal, the client giving up): what waits still comes. */
    final void end(FanoutException failure) {
        closed.set(true);
        inbox.end(failure);
        client.events().run(() -> subscribed.completeExceptionally(failure));
        added();
    }

    /** Ends the subscription because its client closed: nothing more comes. */
    final void drop() {
        closed.set(true);
        inbox.clear();
        client.events().run(() -> subscribed.completeExceptionally(new FanoutException("the client was closed")));
        added();
    }

    @Override
    public final void close() {
        if (closed.compareAndSet(false, true)) {
            boolean wasFull = inbox.clear();
            client.events().run(() -> subscribed.completeExceptionally(
                    new FanoutException("the subscription was closed")));
            client.unsubscribe(this, wasFull);
            added();
        }
    }

    @Override
    public final String filter() {
        return filter;
    }

    @Override
    public final SubscribeOptions options() {
        return options;
    }

    @Override
    public final CompletableFuture<Void> subscribed() {
        return subscribed;
    }

    @Override
    public final boolean isActive() {
        return !closed.get();
    }

    @Override
    public final Map<String, Position> positions() {
        return Map.copyOf(positions);
    }

    @Override
    public final long delivered() {
        return delivered.get();
    }

    @Override
    public final long callbackErrors() {
        return callbackErrors.get();
    }

    @Override
    public final long refills() {
        return refills.get();
    }

    @Override
    public String toString() {
        return "subscription to '" + filter + "' (" + options + ")";
    }
}
