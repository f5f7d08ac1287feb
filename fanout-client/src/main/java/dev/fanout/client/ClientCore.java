package dev.fanout.client;

import dev.fanout.protocol.control.ControlCodec;
import dev.fanout.protocol.control.ControlFrame;
import dev.fanout.protocol.control.ControlFrameEncoder;
import dev.fanout.protocol.control.GoodbyeReason;
import dev.fanout.protocol.control.HelloOptions;
import dev.fanout.protocol.control.Option;
import dev.fanout.protocol.frame.FrameDecoder;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The connection's state machine, confined to the client's one I/O thread: connects and says HELLO, waits for
 * WELCOME, resumes the subscriptions and re-sends the publishes, routes what the server sends, notices losses
 * and silence, and reconnects through the {@link Reconnector}. Public operations reach it as tasks on that
 * thread ({@link ClientTasks}).
 */
final class ClientCore {

    final ClientOptions options;
    final String identity;
    final EventLoop loop;
    private final Bootstrap bootstrap;
    private final Events events;
    final PublishBudget budget;
    final Outbox outbox;
    final Subscriptions subscriptions;
    private final Reconnector reconnector;
    private final Backoff backoff;
    private final Keepalive keepalive;
    final CompletableFuture<ConnectionInfo> firstConnection = new CompletableFuture<>();
    /** The server's max payload, once known; publishes over it are refused before they are sent. */
    volatile int serverMaxPayload = Integer.MAX_VALUE;
    volatile ConnectionInfo connected;
    volatile boolean closed;
    /** Stops the client's threads once it has closed; set by the client, run once. */
    Runnable stopThreads = () -> { };
    final AtomicLong callbackErrors = new AtomicLong();

    // I/O thread only.
    private Channel channel;
    private boolean ready;
    private boolean everConnected;
    private boolean readPaused;
    private Disconnect goodbye;
    private Throwable failure;
    private ScheduledFuture<?> handshakeTimer;
    /** The server of the current or last attempt; the first address before any. */
    private volatile InetSocketAddress target;
    /** Connection attempts made, which picks the next address. */
    private long attempts;

    ClientCore(ClientOptions options, String identity, EventLoopGroup group, Executor pool) {
        this.options = options;
        this.target = options.address();
        this.identity = identity;
        this.loop = group.next();
        this.events = new Events(options.listener(), pool);
        this.budget = new PublishBudget(options.maxPendingPublishes(), options.maxPendingBytes(),
                options.publishWait());
        this.outbox = new Outbox(budget, events);
        this.subscriptions = new Subscriptions(events);
        this.backoff = new Backoff(options.reconnect(), options.random());
        this.reconnector = new Reconnector(options.reconnect(), backoff,
                (task, delay) -> loop.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS), this::attempt,
                this::giveUp);
        this.keepalive = new Keepalive(options.pingInterval(), options.pingTimeout(), this::silent);
        ClientCore core = this;
        this.bootstrap = new Bootstrap()
                .group(loop)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        options.connectTimeout().toMillis()))
                .option(ChannelOption.SO_RCVBUF, options.receiveBuffer() > 0 ? options.receiveBuffer() : null)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (options.tls() != null) {
                            // 0. TLS, checking the certificate against the name connected to
                            ch.pipeline().addLast("tls", options.tls().newHandler(ch.alloc(),
                                    target.getHostString(), target.getPort()));
                        }
                        ch.pipeline()
                                // 1. bytes to frame bodies, each length checked before anything is buffered
                                .addLast("frameDecoder", new FrameDecoder(
                                        options.maxPayload() + ControlCodec.MAX_HEADER_BYTES))
                                // 2. control frames to bytes, length prefix included
                                .addLast("controlEncoder", ControlFrameEncoder.INSTANCE)
                                // 3. WELCOME, then every frame, to the core
                                .addLast("client", new ClientHandler(core));
                    }
                });
    }

    /** The address of the server this client connects to now, as people write it: host:port. */
    String address() {
        return target.getHostString() + ":" + target.getPort();
    }

    Events events() {
        return events;
    }

    /** One connection attempt, unless one is open or the client is closed. */
    void attempt() {
        if (closed || channel != null) {
            return;
        }
        goodbye = null;
        failure = null;
        // Round the servers it was given: after the first, each attempt goes to the next one.
        List<InetSocketAddress> addresses = options.addresses();
        target = addresses.get((int) (attempts++ % addresses.size()));
        ChannelFuture connecting = bootstrap.connect(target);
        Channel ch = connecting.channel();
        channel = ch;
        handshakeTimer = loop.schedule(() -> {
            if (ch == channel && !ready) {
                failure = new FanoutException("no WELCOME from " + address() + " within "
                        + options.connectTimeout().toMillis() + " ms (connectTimeout)");
                ch.close();
            }
        }, options.connectTimeout().toNanos(), TimeUnit.NANOSECONDS);
        connecting.addListener(done -> {
            if (!done.isSuccess() && ch == channel) {
                channel = null;
                handshakeTimer.cancel(false);
                Throwable cause = done.cause().getCause() != null ? done.cause().getCause() : done.cause();
                attemptFailed(new FanoutException("cannot connect to " + address() + ": " + cause.getMessage(),
                        done.cause()));
            }
        });
    }

    private void attemptFailed(FanoutException why) {
        if (closed) {
            return;
        }
        if (!everConnected) {
            firstConnection.completeExceptionally(why);
        } else {
            ClientLog.LOG.log(Level.DEBUG, "reconnect attempt failed: {0}", why.getMessage());
            reconnector.failed();
        }
    }

    void onActive(Channel ch) {
        if (!options.credentials().isEmpty() && options.tls() == null
                && !((InetSocketAddress) ch.remoteAddress()).getAddress().isLoopbackAddress()) {
            onException(ch, new FanoutException("not sending credentials to " + address() + " over plaintext: they "
                    + "would cross the network in clear; connect with TLS (ClientOptions.Builder.tls, --tls)"));
            return;
        }
        List<Option> hello = new ArrayList<>();
        if (options.name() != null) {
            hello.add(new Option(HelloOptions.NAME, options.name()));
        }
        hello.add(new Option(HelloOptions.IDENTITY, identity));
        options.helloOptions().forEach((key, value) -> hello.add(new Option(key, value)));
        options.credentials().forEach((key, value) -> hello.add(new Option(key, value)));
        ch.writeAndFlush(new ControlFrame.Hello(ControlCodec.VERSION, hello), ch.voidPromise());
    }

    void heard() {
        keepalive.heard();
    }

    void onWelcome(Channel ch, ControlFrame.Welcome welcome) {
        if (ch != channel) {
            return;
        }
        handshakeTimer.cancel(false);
        ready = true;
        serverMaxPayload = welcome.maxPayload();
        Map<String, String> welcomeOptions = new LinkedHashMap<>();
        welcome.options().forEach(option -> welcomeOptions.putIfAbsent(option.key(), option.value()));
        ConnectionInfo info = new ConnectionInfo(welcome.clientId(), welcome.serverName(), welcome.serverVersion(),
                welcome.maxPayload(), ch.remoteAddress(), Map.copyOf(welcomeOptions));
        connected = info;
        reconnector.connected();
        keepalive.start(ch, welcome.pingIntervalMillis());
        subscriptions.connected(this::send);
        outbox.drain(ch, false);
        ch.flush();
        if (subscriptions.anyFull()) {
            pause();
        }
        if (everConnected) {
            ClientLog.LOG.log(Level.INFO, "reconnected to {0} as client #{1}", ch.remoteAddress(),
                    welcome.clientId());
            events.post(l -> l.onReconnected(info));
        } else {
            everConnected = true;
            firstConnection.complete(info);
            events.post(l -> l.onConnected(info));
        }
    }

    /** A frame after WELCOME; it is released by the caller. */
    /** A GOODBYE before WELCOME: the server refused the HELLO (a login); kept to say why once the connection ends. */
    void onRefused(Channel ch, ControlFrame.Goodbye bye) {
        if (ch == channel && !ready) {
            goodbye = new Disconnect(bye.reason(), bye.text(), null);
        }
    }

    void onFrame(Channel ch, ControlFrame frame) {
        if (ch != channel || !ready) {
            return;
        }
        if (frame instanceof ControlFrame.Msg msg) {
            if (subscriptions.message(msg, this::send)) {
                pause();
            }
        } else if (frame instanceof ControlFrame.Ack ack) {
            outbox.acked(ack);
        } else if (frame instanceof ControlFrame.Subscribed subscribed) {
            subscriptions.subscribed(subscribed);
        } else if (frame instanceof ControlFrame.Gap gap) {
            subscriptions.gap(gap, this::send);
        } else if (frame instanceof ControlFrame.Reset reset) {
            subscriptions.reset(reset);
        } else if (frame instanceof ControlFrame.Ping ping) {
            send(new ControlFrame.Pong(ping.token()));
        } else if (frame instanceof ControlFrame.Error error) {
            ServerErrors.handle(error, this);
        } else if (frame instanceof ControlFrame.Goodbye bye) {
            goodbye = new Disconnect(bye.reason(), bye.text(), null);
        } else if (!(frame instanceof ControlFrame.Pong)) {
            onException(ch, new FanoutException("the server sent a " + frame.type() + " frame, which a client "
                    + "never accepts"));
        }
    }

    void onWritable(Channel ch) {
        if (ch == channel && ready && ch.isWritable() && outbox.drain(ch, false)) {
            ch.flush();
        }
    }

    void onException(Channel ch, Throwable cause) {
        if (ch == channel && failure == null) {
            failure = cause;
        }
        ch.close();
    }

    /** Whether {@code ch} has no TLS, or finished its TLS handshake. */
    private static boolean handshakeDone(Channel ch) {
        SslHandler tls = ch.pipeline().get(SslHandler.class);
        return tls == null || tls.handshakeFuture().isSuccess();
    }

    void onInactive(Channel ch) {
        if (ch != channel) {
            return;
        }
        channel = null;
        handshakeTimer.cancel(false);
        keepalive.stop();
        boolean wasReady = ready;
        ready = false;
        readPaused = false;
        connected = null;
        subscriptions.lost();
        int resent = outbox.lost();
        if (closed) {
            return;
        }
        if (!wasReady) {
            if (failure instanceof FanoutException said) {
                // This side's own reason, already in words: no WELCOME in time, credentials kept back.
                attemptFailed(said);
                return;
            }
            String tls = ClientTls.explain(failure);
            if (tls == null && !handshakeDone(ch)) {
                tls = ClientTls.CLOSED_DURING_HANDSHAKE;
            }
            if (tls != null) {
                attemptFailed(new FanoutException("TLS with " + address() + " failed: " + tls, failure));
                return;
            }
            if (goodbye != null && goodbye.reason() == GoodbyeReason.AUTH_FAILED) {
                if (everConnected) {
                    // Credentials that stopped working (a changed file) will not work again by retrying, and each
                    // retry counts as a failed login against this address: stop, and say why.
                    giveUp("the login was refused (" + goodbye.text() + ") on reconnecting");
                    return;
                }
                attemptFailed(new FanoutException(address() + " refused the login: " + goodbye.text(), null, null,
                        goodbye.reason()));
                return;
            }
            String said = goodbye != null ? ": " + goodbye.reason() + ": " + goodbye.text()
                    : options.tls() == null ? " (if it is a TLS port, connect with TLS: ClientOptions.tls, --tls)" : "";
            attemptFailed(new FanoutException("the connection to " + address() + " closed before WELCOME"
                    + said, failure, null, goodbye == null ? null : goodbye.reason()));
            return;
        }
        Disconnect why = goodbye != null ? goodbye
                : new Disconnect(null, failure == null ? "the connection closed" : String.valueOf(failure), failure);
        ClientLog.LOG.log(Level.INFO, "lost the connection to {0} ({1}); reconnecting, {2} publishes to re-send",
                address(), why.reason() == null ? why.text() : why.reason() + ": " + why.text(), resent);
        events.post(l -> l.onDisconnected(why));
        reconnector.lost();
    }

    /** Keepalive found the server silent: the connection counts as dead. */
    private void silent(Channel ch, Duration silence) {
        onException(ch, new FanoutException("the server was silent for " + silence.toMillis() + " ms (pingInterval "
                + "+ pingTimeout)"));
    }

    /** Writes a frame to the current connection, without flushing; the caller or the read's end flushes. */
    void send(ControlFrame frame) {
        channel.write(frame, channel.voidPromise());
        keepalive.sent();
    }

    /** The waits between attempts, as {@link ClientOptions#reconnect()} sets them. */
    Backoff backoff() {
        return backoff;
    }

    /** The current connection if it reached WELCOME, else null. */
    Channel readyChannel() {
        return ready ? channel : null;
    }

    /** Stops reading: a subscription's buffer is full. */
    void pause() {
        if (!readPaused && channel != null) {
            readPaused = true;
            channel.config().setAutoRead(false);
            keepalive.paused(true);
        }
    }

    /** Any thread: a buffer has room again; reading resumes once no buffer is full. */
    void roomAgain() {
        ClientTasks.onLoop(this, () -> {
            if (readPaused && channel != null && !subscriptions.anyFull()) {
                readPaused = false;
                keepalive.paused(false);
                channel.config().setAutoRead(true);
            }
        });
    }

    /** Any thread: the application closed {@code subscription}; {@code wasFull} if its buffer was full. */
    void unsubscribe(SubscriptionCore subscription, boolean wasFull) {
        ClientTasks.onLoop(this, () -> {
            Channel ch = readyChannel();
            subscriptions.remove(subscription, ch == null ? null : this::send);
            if (ch != null) {
                ch.flush();
            }
        });
        if (wasFull) {
            roomAgain();
        }
    }

    /** A handler threw: counted, and told to the listener on the handler's thread. */
    void callbackFailed(SubscriptionCore subscription, Message message, Throwable error) {
        callbackErrors.incrementAndGet();
        events.tellNow(l -> l.onCallbackError(subscription, message, error));
    }

    /** Gave up reconnecting: the client closes with that failure. */
    private void giveUp(String why) {
        FanoutException failure = new FanoutException(why + " to " + address());
        ClientLog.LOG.log(Level.WARNING, "{0}; the client is closed", failure.getMessage());
        closed = true;
        budget.close(failure.getMessage());
        shutdown(failure, new CompletableFuture<>());
        stopThreads.run();
    }

    /** Closes everything on the I/O thread; {@code done} completes once the connection is closed. */
    void shutdown(FanoutException why, CompletableFuture<Void> done) {
        reconnector.stop();
        keepalive.stop();
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
        }
        Channel ch = channel;
        boolean wasReady = ready;
        if (ch != null && wasReady) {
            outbox.drain(ch, true);
        }
        outbox.fail(why != null ? why : new FanoutException("the client was closed before the server "
                + "acknowledged the publish"));
        subscriptions.endAll(why);
        if (!firstConnection.isDone()) {
            firstConnection.completeExceptionally(why != null ? why : new FanoutException("the client was closed"));
        }
        events.post(l -> l.onClosed(why));
        ready = false;
        if (ch == null) {
            done.complete(null);
            return;
        }
        ch.closeFuture().addListener(f -> done.complete(null));
        if (!wasReady) {
            ch.close();
            return;
        }
        // What was written before it (the publishes still unsent) goes out first; a server that does not read
        // it within a second is not waited for.
        ch.writeAndFlush(new ControlFrame.Goodbye(GoodbyeReason.CLIENT_QUIT, "")).addListener(f -> ch.close());
        loop.schedule(() -> {
            ch.close();
        }, 1, TimeUnit.SECONDS);
    }
}
