package dev.fanout.server.control;

import dev.fanout.protocol.control.ControlCodec;
import dev.fanout.protocol.control.ControlFrame;
import dev.fanout.protocol.control.ControlProtocolException;
import dev.fanout.protocol.control.ErrorCode;
import dev.fanout.protocol.control.HelloOptions;
import dev.fanout.protocol.control.Option;
import dev.fanout.protocol.control.RefKind;
import dev.fanout.protocol.control.ResumeMode;
import dev.fanout.protocol.control.TopicPosition;
import dev.fanout.protocol.control.WelcomeOptions;
import dev.fanout.server.Version;
import dev.fanout.server.frames.FrameFailures;
import dev.fanout.server.auth.Authenticator;
import dev.fanout.server.auth.LoginRefusedException;
import dev.fanout.server.auth.Principal;
import dev.fanout.server.auth.UserLimits;
import dev.fanout.server.session.CloseReason;
import dev.fanout.server.session.Session;
import dev.fanout.server.session.SessionHandler;
import dev.fanout.server.source.RelayPath;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a frames client in control mode, from its HELLO on: decodes each frame and answers it (WELCOME,
 * SUBSCRIBED, ACK, PONG, ERROR), keeps its subscriptions and pings it when it is silent.
 *
 * <p>Bad input is answered with an ERROR naming its code. Where the stream can no longer be trusted (a frame
 * that does not parse, a type this version does not know, a version it does not speak) the session is also
 * closed as {@link CloseReason#PROTOCOL_ERROR}, which sends GOODBYE; mistakes the client can recover from (a bad
 * topic, an unknown subscription id, a payload over the limit, a second HELLO) leave the connection open.
 * Stateful: one instance per channel, made when the client says HELLO.
 */
public final class ControlHandler extends SessionHandler {

    private static final Logger log = LoggerFactory.getLogger(ControlHandler.class);
    /** Display names a HELLO may ask for: as chat nicknames. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,32}");

    private final Session session;
    private final ControlOptions options;
    private final int maxPayload;
    private final Map<Integer, ControlSubscription> subscriptions = new HashMap<>();
    /** Topics the connection's subscriptions cover together; patterns count each topic they join. */
    private final AtomicInteger feeds = new AtomicInteger();
    private final SubscriptionBudget budget;
    private final RelayPath relays;
    private final Keepalive keepalive;
    private final ControlEncoding encoding;
    private ControlPublisher publisher;
    /** Frames that came while HELLO's credentials were being checked, to serve in order once they are; else null. */
    private List<ByteBuf> held;
    /** Bytes of {@link #held}: at most one full frame's worth may wait, as reading pauses meanwhile. */
    private long heldBytes;

    /**
     * A handler for {@code session}, whose client just sent HELLO.
     *
     * @param maxPayload the largest payload a PUB may carry (--max-frame)
     * @param budget     the bound on subscriptions of all connections together
     */
    public ControlHandler(Session session, ControlOptions options, int maxPayload, SubscriptionBudget budget,
                          RelayPath relays) {
        this(session, options, maxPayload, budget, relays, ControlEncoding.BINARY);
    }

    /** As above, for a client whose frames go as {@code encoding} says (a WebSocket client's JSON). */
    public ControlHandler(Session session, ControlOptions options, int maxPayload, SubscriptionBudget budget,
                          RelayPath relays, ControlEncoding encoding) {
        this.encoding = encoding;
        this.relays = relays;
        this.session = session;
        this.options = options;
        this.maxPayload = maxPayload;
        this.budget = budget;
        this.keepalive = new Keepalive(session, this, options.pingInterval(), options.pingTimeout());
    }

    /**
     * True if a connection's first frame, not a HELLO, is a well-formed control frame a client sends (SUB, PUB,
     * ...): a client that forgot to say HELLO. A raw payload that is one is astronomically unlikely: it would
     * start with a byte no UTF-8 text starts with, then hold exactly the fields of a frame, lengths and all.
     */
    public static boolean isControlWithoutHello(ByteBuf body) {
        if (!body.isReadable()) {
            return false;
        }
        int type = body.getUnsignedByte(body.readerIndex());
        if (type < 0x80 || type > 0xBF) {
            return false;
        }
        try {
            ControlFrame frame = ControlCodec.decode(body);
            frame.release();
            return frame.type().fromClient();
        } catch (ControlProtocolException e) {
            return false;
        }
    }

    /** Answers a control frame sent before HELLO, in raw mode: an ERROR saying so, then a close. */
    public static void helloRequired(Session session) {
        session.send(ControlCodec.encode(session.channel().alloc(), new ControlFrame.Error(ErrorCode.HELLO_REQUIRED,
                RefKind.NONE, 0, "send HELLO first: a connection is in raw mode until its first frame is a HELLO")));
        session.close(CloseReason.PROTOCOL_ERROR, "a control frame before HELLO");
    }

    /**
     * Answers the HELLO that switched the connection to control mode (the body is released): WELCOME, or an
     * ERROR and a close if the version is not one this server speaks. On the loop, once this handler is in the
     * pipeline.
     */
    public void hello(ByteBuf body, String serverName) {
        session.switchWire(encoding.wire());
        ControlFrame frame;
        try {
            frame = ControlCodec.decode(body);
        } catch (ControlProtocolException e) {
            refuse(e.code(), e.getMessage());
            return;
        } finally {
            body.release();
        }
        ControlFrame.Hello hello = (ControlFrame.Hello) frame;
        if (hello.version() != ControlCodec.VERSION) {
            refuse(ErrorCode.UNSUPPORTED_VERSION, "protocol version " + hello.version() + " is not spoken here; this "
                    + "server speaks version " + ControlCodec.VERSION);
            return;
        }
        Authenticator auth = session.context().auth();
        String user = hello.option(HelloOptions.USER);
        String password = hello.option(HelloOptions.PASSWORD);
        String token = hello.option(HelloOptions.TOKEN);
        if (auth == null || user == null && password == null && token == null) {
            welcome(hello, serverName);
            return;
        }
        InetSocketAddress from = (InetSocketAddress) session.remoteAddress();
        if (session.channel().pipeline().get(SslHandler.class) == null && !from.getAddress().isLoopbackAddress()) {
            // As /login in chat: the secret has crossed a network in clear already; it is not taken.
            session.context().stats().countRefusedLogin();
            auth.logRefusal(from, user, "credentials over plaintext from another machine", session);
            error(ErrorCode.UNAUTHORIZED, RefKind.NONE, 0, "not logged in: credentials over a plaintext connection "
                    + "from another machine are refused, as they crossed the network in clear; connect with TLS");
            session.close(CloseReason.UNAUTHORIZED, "credentials over plaintext from another machine");
            return;
        }
        // The check runs off the loop: what the client sends meanwhile waits, and reading pauses.
        held = new ArrayList<>();
        session.channel().config().setAutoRead(false);
        auth.login(from.getAddress(), user,
                        password == null ? null : password.toCharArray(), token)
                .whenComplete((principal, failure) -> session.onLoop(() -> loggedIn(hello, serverName, principal,
                        failure)));
    }

    /** HELLO's credentials were checked: WELCOME and what waited, or UNAUTHORIZED and a close. On the loop. */
    private void loggedIn(ControlFrame.Hello hello, String serverName, Principal principal, Throwable failure) {
        List<ByteBuf> waiting = held;
        held = null;
        if (failure != null || session.isClosed()) {
            waiting.forEach(ByteBuf::release);
            if (failure != null) {
                session.context().stats().countRefusedLogin();
                String why = LoginRefusedException.why(failure);
                session.context().auth().logRefusal(session.remoteAddress(), hello.option(HelloOptions.USER), why,
                        session);
                error(ErrorCode.UNAUTHORIZED, RefKind.NONE, 0, "not logged in: " + why);
                session.close(CloseReason.UNAUTHORIZED, why);
            }
            return;
        }
        if (!session.loggedIn(principal)) {
            waiting.forEach(ByteBuf::release);
            String why = "user " + principal.name() + " holds " + principal.limits().maxConnections()
                    + " connections already, its most (max_connections in the auth file); close one";
            session.context().stats().countRefusedLogin();
            error(ErrorCode.UNAUTHORIZED, RefKind.NONE, 0, "not logged in: " + why);
            session.close(CloseReason.UNAUTHORIZED, why);
            return;
        }
        welcome(hello, serverName);
        ChannelHandlerContext ctx = session.channel().pipeline().context(this);
        for (ByteBuf body : waiting) {
            channelRead(ctx, body);
        }
        if (!session.isClosed() && !session.isDraining()) {
            session.channel().config().setAutoRead(true);
        }
        // As at the end of a read: what waited is published now, not when the client next sends something (and
        // reading pauses again if the publish backlog is full).
        channelReadComplete(ctx);
    }

    /** Answers a HELLO that may go on: WELCOME, and the options it asked for. On the loop. */
    private void welcome(ControlFrame.Hello hello, String serverName) {
        String name = hello.option("name");
        boolean named = name == null || NAME.matcher(name).matches() && session.mayTakeName(name)
                && session.rename(name);
        String identity = hello.option("identity");
        // Without an identity, the connection's: unique across the servers of a cluster too, which share the ids.
        publisher = new ControlPublisher(this, session.context().broker(),
                identity == null ? "connection-" + relays.id() + "-" + session.id() : "identity:" + identity,
                maxPayload);
        String relay = hello.option(HelloOptions.RELAY);
        RelayPath.Admission admission = relay == null ? null : relays.admit(session, relay);
        List<Option> welcomeOptions = new ArrayList<>();
        welcomeOptions.add(new Option(WelcomeOptions.SERVER_ID, relays.id()));
        if (admission != null) {
            welcomeOptions.add(new Option(WelcomeOptions.FEEDS_FROM, String.join(",", admission.feeders())));
        }
        send(new ControlFrame.Welcome(ControlCodec.VERSION, session.id(), serverName, Version.VERSION, maxPayload,
                session.context().queue().maxBytes(), (int) options.pingInterval().toMillis(),
                (int) options.pingTimeout().toMillis(), welcomeOptions));
        if (admission != null) {
            // After WELCOME, whose feeders let the relay see the loop too and say so on its side.
            if (admission.refusal() != null) {
                error(ErrorCode.NOT_ALLOWED, RefKind.NONE, 0, "relay loop: " + admission.refusal());
                session.close(CloseReason.RELAY_LOOP, admission.refusal());
                return;
            }
            log.info("{} relays this server's topics to server {}", session, relay);
        }
        if (!named) {
            // After WELCOME: a client skips every frame before it, as raw frames of the default topic may precede it.
            error(ErrorCode.NOT_ALLOWED, RefKind.NONE, 0, "the name '" + name + "' is taken or not 1 to 32 letters, "
                    + "digits, _ - or .; you are " + session.name());
        }
        keepalive.start();
        log.debug("{} entered control mode", session);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf body = (ByteBuf) msg;
        if (session.isClosed()) {
            body.release();
            return;
        }
        if (held != null) {
            heldBytes += body.readableBytes();
            held.add(body);
            if (heldBytes > maxPayload + ControlCodec.MAX_HEADER_BYTES) {
                // What a read already held when reading paused is taken; more is a client that does not wait.
                held.forEach(ByteBuf::release);
                held.clear();
                refuse(ErrorCode.MALFORMED, "more than a frame's worth (--max-frame) was sent before the login "
                        + "was checked; wait for WELCOME");
            }
            return;
        }
        keepalive.heard();
        if (publisher.appendSameTopic(body)) {
            body.release();
            return;
        }
        ControlFrame frame;
        try {
            frame = ControlCodec.decode(body);
        } catch (ControlProtocolException e) {
            boolean trusted = e.code() != ErrorCode.MALFORMED && e.code() != ErrorCode.UNKNOWN_TYPE;
            if (trusted) {
                error(e.code(), e.refKind(), e.ref(), e.getMessage());
            } else {
                refuse(e.code(), e.getMessage());
            }
            return;
        } finally {
            body.release();
        }
        if (!(frame instanceof ControlFrame.Pub)) {
            publisher.flush();
        }
        if (frame instanceof ControlFrame.Pub pub) {
            publisher.publish(pub);
        } else if (frame instanceof ControlFrame.Sub sub) {
            subscribe(sub);
        } else if (frame instanceof ControlFrame.Unsub unsub) {
            unsubscribe(unsub.subscriptionId());
        } else if (frame instanceof ControlFrame.Ping ping) {
            send(new ControlFrame.Pong(ping.token()));
        } else if (frame instanceof ControlFrame.Goodbye goodbye) {
            session.close(CloseReason.CLIENT_QUIT, goodbye.text().isEmpty() ? null : goodbye.text());
        } else if (frame instanceof ControlFrame.Hello) {
            error(ErrorCode.DUPLICATE_HELLO, RefKind.NONE, 0, "HELLO was already said on this connection; it is "
                    + "in control mode");
        } else if (!(frame instanceof ControlFrame.Pong)) {
            // A PONG only says the client is there, which keepalive.heard() noted.
            frame.release();
            error(ErrorCode.UNEXPECTED_TYPE, RefKind.NONE, 0, "a client does not send "
                    + frame.getClass().getSimpleName().toUpperCase(Locale.ROOT) + " frames");
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (publisher != null) {
            publisher.flush();
            session.context().broker().backlog().pauseWhileFull(ctx.channel());
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (publisher != null) {
            // PUBs that arrived before the connection ended still count.
            publisher.flush();
        }
        super.channelInactive(ctx);
    }

    /**
     * The client shut down its sending side. Unlike a raw reader, a control client has nothing to say that
     * does not go that way (PONGs among it), so it has left: what it sent still counts, and the session closes.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof ChannelInputShutdownEvent) {
            if (publisher != null) {
                publisher.flush();
            }
            session.close(CloseReason.CLIENT_CLOSED, null);
        }
        ctx.fireUserEventTriggered(event);
    }

    private void subscribe(ControlFrame.Sub sub) {
        int id = sub.subscriptionId();
        if (subscriptions.containsKey(id)) {
            error(ErrorCode.DUPLICATE_SUBSCRIPTION, RefKind.SUBSCRIPTION_ID, id, "subscription id " + id
                    + " is in use on this connection; UNSUB it first or choose another");
            return;
        }
        if (!session.principal().maySubscribe(sub.filter())) {
            sub.release();
            error(ErrorCode.FORBIDDEN, RefKind.SUBSCRIPTION_ID, id, session.forbidden("subscribe to '" + sub.filter()
                    + "'"));
            return;
        }
        if (subscriptions.size() >= maxSubscriptions()) {
            error(ErrorCode.TOO_MANY_SUBSCRIPTIONS, RefKind.SUBSCRIPTION_ID, id, "this connection already has "
                    + subscriptions.size() + " subscriptions, its limit (--max-subscriptions, or its user's "
                    + "max_subscriptions)");
            return;
        }
        Map<String, ResumePoint> positions = new LinkedHashMap<>();
        for (TopicPosition position : sub.positions()) {
            positions.put(position.topic(), new ResumePoint(ResumeMode.FROM,
                    position.epoch(), position.nextSequence()));
        }
        ControlSubscription subscription = new ControlSubscription(this, sub, positions);
        subscriptions.put(id, subscription);
        session.add(subscription);
        if (!subscription.start()) {
            subscriptions.remove(id);
            session.remove(subscription);
        }
    }

    private void unsubscribe(int id) {
        ControlSubscription subscription = subscriptions.remove(id);
        if (subscription == null) {
            error(ErrorCode.UNKNOWN_SUBSCRIPTION, RefKind.SUBSCRIPTION_ID, id, "no subscription " + id
                    + " on this connection");
            return;
        }
        session.remove(subscription);
    }

    /**
     * Ends a subscription the server cannot serve for now (its history could not be read): the client was told
     * UNAVAILABLE, and may subscribe again, with the same id, once it waited. On the loop.
     */
    void ended(ControlSubscription subscription) {
        if (subscriptions.remove(subscription.id(), subscription)) {
            session.remove(subscription);
        }
    }

    /**
     * Takes a place for one more topic feed of the connection; false, with the client told, at the limit. Any
     * thread: a pattern meets new topics on the thread that makes them.
     */
    boolean takeFeed(ControlSubscription subscription, String topic) {
        String full;
        if (feeds.incrementAndGet() > maxSubscriptions()) {
            feeds.decrementAndGet();
            full = "this connection's subscriptions already cover " + maxSubscriptions()
                    + " topics, its limit (--max-subscriptions, or its user's max_subscriptions)";
        } else if (!budget.take()) {
            feeds.decrementAndGet();
            full = "the server holds " + budget.max() + " subscriptions of all clients together, its limit "
                    + "(--max-total-subscriptions)";
            if (Long.bitCount(budget.refused()) == 1) {
                // The 1st, 2nd, 4th, 8th ... refusal: enough to be seen, not a line per refusal.
                log.warn("{}: subscription to '{}' refused ({} refused so far): {}", session, topic,
                        budget.refused(), full);
            }
        } else {
            return true;
        }
        session.eventLoop().execute(() -> error(ErrorCode.TOO_MANY_SUBSCRIPTIONS, RefKind.SUBSCRIPTION_ID,
                subscription.id(), "topic '" + topic + "' is not delivered: " + full));
        return false;
    }

    /**
     * How many topics a pattern may still join on this connection, and one more, so that a listing of that many
     * shows the client the limit when there are more.
     */
    int feedsLeft() {
        return Math.max(0, maxSubscriptions() - feeds.get()) + 1;
    }

    /** Subscriptions this connection may hold: its user's max_subscriptions, else --max-subscriptions. */
    private int maxSubscriptions() {
        return (int) UserLimits.or(session.principal().limits().maxSubscriptions(), options.maxSubscriptions());
    }

    /** Gives back a place {@link #takeFeed} took. Any thread. */
    void returnFeed() {
        feeds.decrementAndGet();
        budget.giveBack();
    }

    /** Sends a frame to the client, through its queue. On the loop. */
    void send(ControlFrame frame) {
        session.send(encoding.encode(session.channel().alloc(), frame));
    }

    /** How this connection's frames are written. */
    ControlEncoding encoding() {
        return encoding;
    }

    /** Sends an ERROR; the connection stays open. On the loop. */
    void error(ErrorCode code, RefKind refKind, long ref, String text) {
        send(new ControlFrame.Error(code, refKind, ref, text));
    }

    /** Sends an ERROR, then closes: the stream can no longer be trusted. */
    private void refuse(ErrorCode code, String text) {
        error(code, RefKind.NONE, 0, text);
        session.close(CloseReason.PROTOCOL_ERROR, code.label() + ": " + text);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (FrameFailures.closeReason(cause) == CloseReason.FRAME_TOO_LARGE) {
            error(ErrorCode.FRAME_TOO_LARGE, RefKind.NONE, 0, cause.getMessage());
        }
        super.exceptionCaught(ctx, cause);
    }

    @Override
    protected CloseReason reasonFor(Throwable cause) {
        return FrameFailures.closeReason(cause);
    }

    /** The session this handler serves. */
    @Override
    public Session session() {
        return session;
    }
}
