package dev.fanout.server.session;

import dev.fanout.server.auth.Principal;
import dev.fanout.server.auth.UserLimits;
import dev.fanout.hub.MessageForm;
import dev.fanout.hub.Origin;
import dev.fanout.hub.SharedBytes;
import dev.fanout.hub.Topic;
import dev.fanout.protocol.ByteSize;
import dev.fanout.protocol.Durations;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One client connection: number, name, address, subscriptions and a bounded outbound queue, whatever its
 * protocol. The protocol is a {@link Wire} chosen per connection, which the session hands typed events (a
 * notice, messages missed, the goodbye with its {@link CloseReason}); its protocol handler reads the client.
 *
 * <p>Delivery, writes and closing happen on the connection's event loop; the methods meant for other
 * threads ({@link #sendText}, {@link #notice}, {@link #close}, {@link #drainAndClose}) hop onto it.
 */
public final class Session {

    private static final Logger log = LoggerFactory.getLogger(Session.class);

    private final long id;
    private final Channel channel;
    private final SessionContext context;
    private final OutboundQueue queue;
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    /** Loop-confined writes; volatile so listings on other threads see a change of mode. */
    private volatile Wire wire;
    private volatile String name;
    private volatile Origin origin;
    /** Loop-confined writes; volatile so listings on other threads see it. */
    private volatile CloseReason closeReason;
    /** Loop-confined: set while the server drains this session before shutting down. */
    private boolean draining;
    /**
     * Set from any thread when the shutdown cuts this session off: if the connection closes before the
     * session's own loop gets to the cut (the loop stopping closes it first), the reason is still the shutdown.
     */
    private volatile String abortedBecause;
    /** Refusals of what a user may not do, for the log: a client that retries in a loop must not flood it. */
    private static final RefusalLog FORBIDDEN_LOG = new RefusalLog(LoggerFactory.getLogger("dev.fanout.server.auth"));
    /** Who the client is, for what it may do: anonymous until it logs in. */
    private volatile Principal principal;
    /** When the queue went over the soft bound ({@link System#nanoTime()}), 0 while under it. On the loop. */
    private long overSoftSince;
    /** Holds publishing to the client's rate; made at the first publish, and again after a login. On the loop. */
    private PublishThrottle throttle;
    /** When the connection became a session. */
    private final java.time.Instant connectedSince = java.time.Instant.now();
    /** Messages and payload bytes the client published; loop-confined writes, volatile for listings. */
    private volatile long messagesIn;
    private volatile long bytesIn;
    /** Slowed publishers are logged at most this often; the ones between are counted into the next line. */
    private static final RefusalLog THROTTLE_LOG = new RefusalLog(LoggerFactory.getLogger(Session.class), "slowed");

    /** A session speaking {@code wire} on {@code channel}; call {@link #open()} once the connection is active. */
    public Session(long id, Channel channel, SessionContext context, Wire wire) {
        this.id = id;
        this.channel = channel;
        this.context = context;
        this.wire = wire;
        this.name = "client-" + id;
        this.origin = new Origin(id, name);
        this.queue = new OutboundQueue(channel, context.queue(), context.stats(), context.budget());
        this.principal = context.auth() == null ? Principal.OPEN : context.auth().anonymous();
    }

    /** True once the server's shutdown stopped reading from this client to deliver what is queued. On the loop. */
    public boolean isDraining() {
        return draining;
    }

    /** Who the client is: anonymous until it logs in; allowed everything on a server without an auth file. */
    public Principal principal() {
        return principal;
    }

    /**
     * The client logged in as {@code user}: it goes by the user's name, unless another connection has it, and by
     * its limits. False, and nothing changed, if the user holds its most connections already (max_connections).
     */
    public boolean loggedIn(Principal user) {
        if (context.auth() != null && !context.auth().takeConnection(user)) {
            return false;
        }
        if (context.auth() != null) {
            channel.closeFuture().addListener(closed -> context.auth().giveBackConnection(user));
        }
        this.principal = user;
        this.throttle = null;
        rename(user.name());
        return true;
    }

    /** As {@link #published(int, long)}, for a burst of payloads. */
    public void published(List<ByteBuf> payloads) {
        long size = 0;
        for (ByteBuf payload : payloads) {
            size += payload.readableBytes();
        }
        published(payloads.size(), size);
    }

    /** The client's throttle: made at the first publish, and again after a login, from its user's limits. */
    private PublishThrottle throttle() {
        if (throttle == null) {
            UserLimits own = principal.limits();
            PublishLimits server = context.publishLimits();
            throttle = new PublishThrottle(UserLimits.or(own.publishRate(), server.messagesPerSecond()),
                    UserLimits.or(own.publishBytesRate(), server.bytesPerSecond()), System.nanoTime());
        }
        return throttle;
    }

    /**
     * Counts {@code count} messages of {@code size} payload bytes the client published against its rate
     * (--publish-rate, --publish-bytes-rate, or its user's): while it is over, reading from it pauses, so it is
     * slowed, not cut, and nothing it sent is lost. Counted and logged (a line per interval at most). On the loop.
     */
    public void published(int count, long size) {
        messagesIn += count;
        bytesIn += size;
        PublishThrottle current = throttle();
        if (!current.limits()) {
            return;
        }
        long wait = current.take(count, size, System.nanoTime());
        if (wait > 0 && channel.config().isAutoRead()) {
            channel.config().setAutoRead(false);
            context.stats().countThrottled();
            THROTTLE_LOG.refused(remoteAddress(), "publishes faster than its rate (--publish-rate, "
                    + "--publish-bytes-rate, or its user's): reading from " + this + " pauses for "
                    + TimeUnit.NANOSECONDS.toMillis(wait) + " ms");
            channel.eventLoop().schedule(() -> {
                if (!isClosed() && !draining) {
                    channel.config().setAutoRead(true);
                }
            }, wait, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Whether the client may go by {@code name}: on a server with an auth file, a user's name is for that user
     * alone, so that nobody reads as alice (nor receives her private messages) without being her.
     */
    public boolean mayTakeName(String name) {
        return context.auth() == null || !context.auth().isUserName(name) || principal.name().equalsIgnoreCase(name);
    }

    /**
     * Where anonymous may do nothing ({@code --auth}): closes the session at the handshake deadline unless it has
     * logged in by then (or its protocol moved on, as {@code stillWaiting} tells), so that a connection that only
     * holds a place is not kept. On the loop.
     */
    public void closeUnlessLoggedInWithin(java.util.function.BooleanSupplier stillWaiting, String what) {
        long millis = context.handshakeTimeout().toMillis();
        channel.eventLoop().schedule(() -> {
            if (!isClosed() && principal.anonymous() && stillWaiting.getAsBoolean()) {
                close(CloseReason.HANDSHAKE_TIMEOUT, "no " + what + " within " + millis + " ms (--handshake-timeout), "
                        + "and anonymous may do nothing here");
            }
        }, millis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /**
     * The client's user may not do {@code what} ("publish to 'x'"): counted, logged (a line per interval at most,
     * with the address and the user), and returned as the text to tell the client.
     */
    public String forbidden(String what) {
        context.stats().countForbidden();
        String text = "user " + principal.name() + " may not " + what;
        FORBIDDEN_LOG.refused(remoteAddress(), text + " (" + this + ")");
        return text;
    }

    /** The wire protocol. */
    public Protocol protocol() {
        return wire.protocol();
    }

    /** How the protocol shows events. */
    public Wire wire() {
        return wire;
    }

    /** Changes how events are shown: the client changed mode. On the loop. */
    public void switchWire(Wire newWire) {
        this.wire = newWire;
    }

    /** Told once when the session starts closing, before it leaves its topics. On the loop. */
    private Consumer<CloseReason> onClosing = reason -> {
    };

    /** Sets what to do once when the session starts closing (a chat room says goodbye). On the loop. */
    public void onClosing(Consumer<CloseReason> action) {
        this.onClosing = action;
    }

    /** Registers the session and claims its default name; call once the connection is active. */
    public void open() {
        context.registry().add(this);
        context.registry().claimName(this, name);
        context.stats().countAccepted();
        channel.closeFuture().addListener(future -> onChannelClosed());
        withClient(log.atInfo()).log("{} connected", this);
    }

    /** When the connection became a session. */
    public java.time.Instant connectedSince() {
        return connectedSince;
    }

    /** Messages the client published (what it sent that was taken: a refused publish is not counted). */
    public long messagesIn() {
        return messagesIn;
    }

    /** Payload bytes of {@link #messagesIn()}. */
    public long bytesIn() {
        return bytesIn;
    }

    /** Messages written to the client's socket. */
    public long messagesOut() {
        return queue.messagesOut();
    }

    /** Bytes written to the client's socket, framing included. */
    public long bytesOut() {
        return queue.bytesOut();
    }

    /** Messages waiting in the client's queue. */
    public int queuedMessages() {
        return queue.queuedMessages();
    }

    /** The client number. */
    public long id() {
        return id;
    }

    /** The name shown to people. */
    public String name() {
        return name;
    }

    /** Who this session's messages come from. */
    public Origin origin() {
        return origin;
    }

    /** Takes a new name; false if another session holds it. */
    public boolean rename(String newName) {
        String old = name;
        if (old.equalsIgnoreCase(newName) || context.registry().claimName(this, newName)) {
            name = newName;
            origin = new Origin(id, newName);
            if (!old.equalsIgnoreCase(newName)) {
                context.registry().releaseName(this, old);
            }
            return true;
        }
        return false;
    }

    /** The connection's event loop. */
    public EventLoop eventLoop() {
        return channel.eventLoop();
    }

    /** The client's address. */
    public SocketAddress remoteAddress() {
        return channel.remoteAddress();
    }

    /** The topics it is subscribed to by name (patterns not included). */
    public List<Topic> topics() {
        List<Topic> out = new ArrayList<>();
        for (Subscription subscription : subscriptions) {
            Topic topic = subscription.topic();
            if (topic != null && !out.contains(topic)) {
                out.add(topic);
            }
        }
        return out;
    }

    /** Its subscriptions. */
    public List<Subscription> subscriptions() {
        return List.copyOf(subscriptions);
    }

    /**
     * What is queued for the client now and not yet written to its socket: bytes plus the per-entry overhead
     * the limits count. Read off the event loop, a moment's value.
     */
    public long queuedBytes() {
        return queue.queuedBytes();
    }

    /** True once the server-wide queue budget chose to cut this session; it takes no more messages. */
    public boolean isBeingCut() {
        return queue.isCut();
    }

    /**
     * Cuts this session to free the server-wide queue budget: it takes nothing more at once, and closes on its
     * event loop as a slow consumer, its connection at once: its socket would not take a goodbye, and the budget
     * wants back now what the connection holds. Returns what it held, which {@code budget} may lend until the
     * connection has closed, or 0 if it was already being cut. What it held may be shared with other sessions and
     * not be freed by this cut alone; the budget then finds itself still full and cuts again. Any thread.
     */
    long cutForBudget(QueueBudget budget) {
        long held = queue.queuedBytes();
        if (!queue.markCut()) {
            return 0;
        }
        // Always a task, never inline: the budget may be asking from inside this very session's delivery.
        channel.eventLoop().execute(() -> {
            close(CloseReason.SLOW_CONSUMER, budget.describe() + " was full and this client's queue ("
                    + ByteSize.format(held) + ") was among the largest");
            // Closing fails the writes the connection held, which gives their charges back; only then may the
            // loan end, or the budget would count them twice until the close grace ran out and cut others.
            channel.close();
            budget.cutFinished(held);
        });
        return held;
    }

    /** Completes when the connection has closed. */
    public io.netty.util.concurrent.Future<Void> closeFuture() {
        return channel.closeFuture();
    }

    /**
     * Closes at once, dropping whatever is still queued: the end of a shutdown whose drain time ran out. Any
     * thread; returns at once, and the connection closes when its event loop gets to it.
     */
    public void abort(String detail) {
        abortedBecause = detail;
        close(CloseReason.SHUTDOWN, detail);
        channel.close();
    }

    /** True once the session began closing. */
    public boolean isClosed() {
        return closeReason != null;
    }

    /** Why the session closed, or null while it is open. */
    public CloseReason closeReason() {
        return closeReason;
    }

    /** What the server gives every session. */
    public SessionContext context() {
        return context;
    }

    /** The connection. */
    public Channel channel() {
        return channel;
    }

    /**
     * Subscribes to {@code topic} in this session's wire form, leaving out its own messages, unless it already
     * is; returns the topic. On the loop.
     *
     * @throws dev.fanout.hub.TooManyTopicsException if the topic is new and the server is at its limit
     */
    public Topic subscribe(String topic) {
        return subscribe(topic, wire.form());
    }

    /** As {@link #subscribe(String)}, with messages in {@code form}. */
    public Topic subscribe(String topic, MessageForm form) {
        for (Subscription subscription : subscriptions) {
            if (subscription instanceof PlainSubscription && subscription.topic().name().equals(topic)) {
                return subscription.topic();
            }
        }
        PlainSubscription subscription = new PlainSubscription(this, form);
        subscription.subscribe(topic);
        subscriptions.add(subscription);
        return subscription.topic();
    }

    /** Ends the plain subscription to {@code topic}, if there is one. On the loop. */
    public void unsubscribe(Topic topic) {
        for (Subscription subscription : subscriptions) {
            if (subscription instanceof PlainSubscription && subscription.topic() == topic) {
                remove(subscription);
            }
        }
    }

    /** Adds a subscription made elsewhere (by a protocol handler), which the session ends when it closes. */
    public void add(Subscription subscription) {
        subscriptions.add(subscription);
    }

    /** Cancels and forgets {@code subscription}. On the loop. */
    public void remove(Subscription subscription) {
        if (subscriptions.remove(subscription)) {
            subscription.cancel();
        }
    }

    /**
     * Queues published messages for the client: a view of {@code shared} (the caller keeps its reference to
     * {@code bytes}) holding {@code messages} messages numbered within {@code first} to {@code last}, told back to
     * {@code delivery} (if not null) if dropped. Closes the session if its queue refuses them. Returns false when
     * nothing more should be offered (the session is closed or closing). On the loop.
     */
    public boolean offer(ByteBuf bytes, int messages, SharedBytes shared, Delivery delivery, long first, long last) {
        if (closeReason != null) {
            return false;
        }
        refused(queue.offer(bytes, messages, shared, delivery, first, last));
        if (closeReason == null && context.queue().hasSoftLimit()) {
            checkSoftLimit();
        }
        return closeReason == null;
    }

    /**
     * Cuts a client whose queue has stayed over the soft bound for longer than the soft time: it does not keep up
     * on average, though no burst filled its queue. Checked as messages are offered; a queue that went under the
     * bound meanwhile (the connection became writable again) starts afresh. On the loop.
     */
    private void checkSoftLimit() {
        QueueLimits limits = context.queue();
        if (queue.queuedBytes() <= limits.softBytes()) {
            overSoftSince = 0;
            return;
        }
        long now = System.nanoTime();
        if (overSoftSince == 0) {
            overSoftSince = now;
        } else if (now - overSoftSince > limits.softTime().toNanos()) {
            close(CloseReason.SLOW_CONSUMER, "over " + ByteSize.format(limits.softBytes()) + " queued (now "
                    + ByteSize.format(queue.queuedBytes()) + ") for more than " + Durations.format(limits.softTime())
                    + "; limits --queue-soft-bytes " + ByteSize.format(limits.softBytes()) + ", --queue-soft-time "
                    + Durations.format(limits.softTime()));
        }
    }

    /**
     * Reserves room for {@code messages} live messages costing {@code bytes} that a subscription keeps for this
     * client until its replay reaches them; false when the session's queue limits or the server-wide budget have
     * no room for them, or the session is closed. On the loop.
     */
    public boolean reserve(long bytes, int messages) {
        return closeReason == null && queue.reserve(bytes, messages);
    }

    /** Gives back what {@link #reserve} took, closed or not. On the loop. */
    public void unreserve(long bytes, int messages) {
        queue.unreserve(bytes, messages);
    }

    /** True while the connection takes bytes at once: nothing waits in the queue and the socket is writable. */
    public boolean isWritable() {
        return queue.isEmpty() && channel.isWritable();
    }

    /** Closes the session if its queue refused an offer; the budget's own cuts say why themselves. */
    private void refused(OutboundQueue.Offer offer) {
        if (offer == OutboundQueue.Offer.QUEUE_FULL) {
            close(CloseReason.SLOW_CONSUMER, ByteSize.format(queue.queuedBytes()) + " in "
                    + queue.queuedMessages() + " messages not taken by its socket; limits --queue-bytes "
                    + ByteSize.format(context.queue().maxBytes()) + ", --queue-messages "
                    + context.queue().maxMessages());
        } else if (offer == OutboundQueue.Offer.BUDGET_FULL && !queue.isCut()) {
            close(CloseReason.SLOW_CONSUMER, context.budget().describe() + " is full and this client's socket "
                    + "takes no more");
        }
    }

    /** Ends a batch of deliveries: flushes. On the loop. */
    public void endOfBatch() {
        queue.flush();
        if (draining && queue.isEmpty()) {
            finishDrainIfDone();
        }
    }

    /** Sends {@code text} to this client alone, through its queue, where its protocol can show it. Any thread. */
    public void sendText(Origin from, String text) {
        onLoop(() -> send(wire.privateText(channel.alloc(), from, text)));
    }

    /** Sends a server notice, where the protocol can show one. Any thread. */
    public void notice(String text) {
        onLoop(() -> send(wire.notice(channel.alloc(), text)));
    }

    /**
     * Queues a frame or line this session alone holds (ownership passes; null sends nothing), then flushes. Not
     * a published message: never dropped by drop-oldest. On the loop.
     */
    public void send(ByteBuf encoded) {
        if (encoded == null) {
            return;
        }
        try {
            if (closeReason == null) {
                refused(queue.offerText(encoded));
            }
            queue.flush();
        } finally {
            encoded.release();
        }
    }

    /** The connection can take more bytes: hand it what waits. Called by the protocol handler, on the loop. */
    public void onWritable() {
        queue.drain();
        if (queue.queuedBytes() <= context.queue().softBytes()) {
            overSoftSince = 0;
        }
        if (!queue.isEmpty()) {
            return;
        }
        long missed = queue.takeDropped();
        if (missed > 0 && closeReason == null) {
            log.info("{} caught up after missing {} messages (slow consumer, drop-oldest)", this, missed);
            send(wire.missed(channel.alloc(), missed));
        }
        for (Subscription subscription : subscriptions) {
            if (closeReason == null) {
                subscription.caughtUp();
            }
        }
        if (draining) {
            finishDrainIfDone();
        }
    }

    /**
     * Closes a draining session whose queue is empty, unless the hub still holds messages published to its topics
     * before the drain: they reach the queue in a later batch, whose end calls this again. On the loop.
     */
    private void finishDrainIfDone() {
        for (Topic topic : topics()) {
            if (topic.hasPendingOn(channel.eventLoop())) {
                return;
            }
        }
        close(CloseReason.SHUTDOWN, null);
    }

    /**
     * Stops reading from the client, delivers what is already queued, then closes with
     * {@link CloseReason#SHUTDOWN}. Any thread; the server enforces the deadline.
     */
    public void drainAndClose() {
        onLoop(() -> {
            if (closeReason != null) {
                return;
            }
            draining = true;
            channel.config().setAutoRead(false);
            onWritable();
        });
    }

    /**
     * Closes the session: idempotent; the first reason wins. Tells the client why where the protocol allows
     * (after what it was already sent), logs once, counts, and cuts the connection after the grace period if
     * the goodbye cannot be delivered. Any thread.
     *
     * @param detail extra words for the log and the client, or null
     */
    public void close(CloseReason reason, String detail) {
        if (!channel.eventLoop().inEventLoop()) {
            channel.eventLoop().execute(() -> close(reason, detail));
            return;
        }
        if (closeReason != null) {
            return;
        }
        closeReason = reason;
        queue.clear();
        try {
            onClosing.accept(reason);
        } catch (RuntimeException e) {
            // Telling others (a room) may fail when their event loops are shutting down; this close goes on.
            log.debug("{}: announcing the close failed", this, e);
        }
        for (Subscription subscription : subscriptions) {
            remove(subscription);
        }
        context.stats().countClose(reason);
        context.stats().keep(new ClosedSession(id, name, principal.name(), Addresses.format(remoteAddress()),
                protocol().label(), reason.label(), detail, java.time.Instant.now()));
        String why = detail == null ? reason.description() : reason.description() + ": " + detail;
        withClient(reason.notable() ? log.atInfo() : log.atDebug()).addKeyValue("reason", reason.label())
                .log("{} closed: {}", this, why);
        if (!channel.isActive()) {
            channel.close();
            return;
        }
        ByteBuf goodbye = wire.goodbye(channel.alloc(), reason, detail);
        // Closing after an empty write closes once everything before it reached the socket.
        channel.writeAndFlush(goodbye == null ? Unpooled.EMPTY_BUFFER : goodbye)
                .addListener(ChannelFutureListener.CLOSE);
        channel.eventLoop().schedule(() -> {
            channel.close();
        }, context.closeGrace().toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The client's fields on a log line, for {@code --log-format json}: its number, address, user, protocol. */
    private LoggingEventBuilder withClient(LoggingEventBuilder line) {
        return line.addKeyValue("client", id).addKeyValue("address", Addresses.format(remoteAddress()))
                .addKeyValue("user", principal.name()).addKeyValue("protocol", protocol().label());
    }

    private void onChannelClosed() {
        context.registry().remove(this);
    }

    /**
     * The connection is gone: closes the session as {@link CloseReason#CLIENT_CLOSED} (as
     * {@link CloseReason#SHUTDOWN} if the shutdown already cut it off) unless it already closed for another
     * reason. The protocol handler calls this from {@code channelInactive}, which comes
     * after its decoder has handed over the last input, so a last line sent just before closing still counts.
     */
    public void onInactive() {
        if (closeReason == null) {
            String aborted = abortedBecause;
            close(aborted == null ? CloseReason.CLIENT_CLOSED : CloseReason.SHUTDOWN, aborted);
        }
    }

    /** Runs {@code task} on the session's event loop: at once if called there, else as a task. Any thread. */
    public void onLoop(Runnable task) {
        if (channel.eventLoop().inEventLoop()) {
            task.run();
        } else {
            channel.eventLoop().execute(task);
        }
    }

    @Override
    public String toString() {
        Principal who = principal;
        return "client #" + id + " '" + name + "' " + Addresses.format(remoteAddress()) + " (" + protocol().label()
                + (who.anonymous() ? "" : ", user " + who.name()) + ")";
    }
}
