package dev.fanout.client;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A connection to a fanout server's frames port, in control mode, that survives the connection: it
 * reconnects by itself, resumes every subscription after the last message it delivered and re-sends the
 * publishes not yet acknowledged. {@code docs/client.md} has the whole story.
 *
 * <pre>{@code
 * try (FanoutClient client = FanoutClient.connect(ClientOptions.builder().address("localhost", 7070).build())) {
 *     client.subscribe("prices.>", m -> System.out.println(m.topic() + " " + m.text()));
 *     Position p = client.publishAcked("prices.eur", "1.08".getBytes(UTF_8)).join();
 * }
 * }</pre>
 *
 * <p><b>Threads.</b> Every method is thread-safe. The client has one I/O thread of its own, which never runs
 * application code: handlers, listeners and futures run on the callback executor (see
 * {@link ClientOptions.Builder#callbackExecutor}). Publishing may block the caller while the pending publishes
 * are at their bound; nothing else blocks but {@link #connect} and {@link #close}.
 *
 * <p><b>Buffers.</b> Payloads given to a publish are copied before the method returns; the caller keeps its
 * array or buffer. Messages received are handed over as {@code byte[]} the application owns.
 */
public final class FanoutClient implements AutoCloseable {

    private final ClientCore core;
    private final EventLoopGroup group;
    private final ExecutorService ownPool;
    private final Executor pool;

    private FanoutClient(ClientOptions options) {
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("fanout-client-io", true),
                NioIoHandler.newFactory());
        this.ownPool = options.callbackExecutor() == null
                ? Executors.newCachedThreadPool(new DefaultThreadFactory("fanout-client-callback", true))
                : null;
        this.pool = ownPool != null ? ownPool : options.callbackExecutor();
        String identity = options.identity() != null ? options.identity() : "fanout-client-" + UUID.randomUUID();
        this.core = new ClientCore(options, identity, group, pool);
        this.core.stopThreads = this::stopThreads;
    }

    /**
     * Connects and returns once the server has said WELCOME. Only this first connection is not retried: a
     * client that never got in says so at once.
     *
     * @throws FanoutException if the server could not be reached or did not say WELCOME within the connect
     *                         timeout; its message names the address and why
     */
    public static FanoutClient connect(ClientOptions options) {
        Objects.requireNonNull(options, "options");
        FanoutClient client = new FanoutClient(options);
        client.core.loop.execute(client.core::attempt);
        try {
            client.core.firstConnection.get(options.connectTimeout().toMillis() + 1_000, TimeUnit.MILLISECONDS);
            return client;
        } catch (ExecutionException e) {
            client.close();
            throw e.getCause() instanceof FanoutException f ? f
                    : new FanoutException("cannot connect to " + client.core.address(), e.getCause());
        } catch (TimeoutException e) {
            client.close();
            throw new FanoutException("no WELCOME from " + client.core.address() + " within "
                    + options.connectTimeout().toMillis() + " ms (connectTimeout)", e);
        } catch (InterruptedException e) {
            client.close();
            Thread.currentThread().interrupt();
            throw new FanoutException("interrupted while connecting to " + client.core.address(), e);
        }
    }

    /** Connects to {@code host:port} with every other option at its default; see {@link #connect(ClientOptions)}. */
    public static FanoutClient connect(String host, int port) {
        return connect(ClientOptions.builder().address(host, port).build());
    }

    /**
     * Publishes without asking for an acknowledgement: at most once. It is sent when the connection takes it;
     * one made while the client is reconnecting is sent after, and one the connection was writing when it
     * broke may be lost. Waits while the pending publishes are at their bound.
     *
     * @throws IllegalArgumentException if the topic is not an exact topic or the payload is over the server's
     *                                  limit
     * @throws FanoutException          if there was no room within the publish wait, or the client is closed
     */
    public void publish(String topic, byte[] payload) {
        ClientTasks.publish(core, topic, payload.clone(), false);
    }

    /** As {@link #publish(String, byte[])}, with the buffer's remaining bytes (its position is not moved). */
    public void publish(String topic, ByteBuffer payload) {
        ClientTasks.publish(core, topic, copy(payload), false);
    }

    /**
     * Publishes and asks for an acknowledgement: effectively once. The returned future completes with the
     * position the server gave the message, or fails with a {@link FanoutException} naming the server's
     * refusal or the client's close. Until acknowledged the publish is kept and, after a reconnect, sent again
     * with the same publish id, which the server recognises within its de-duplication window. Futures complete
     * on the callback executor, in the order the acknowledgements arrive. Waits while the pending publishes are
     * at their bound.
     *
     * @throws IllegalArgumentException if the topic is not an exact topic or the payload is over the server's
     *                                  limit
     * @throws FanoutException          if there was no room within the publish wait, or the client is closed
     */
    public CompletableFuture<Position> publishAcked(String topic, byte[] payload) {
        return ClientTasks.publish(core, topic, payload.clone(), true);
    }

    /** As {@link #publishAcked(String, byte[])}, with the buffer's remaining bytes (its position is not moved). */
    public CompletableFuture<Position> publishAcked(String topic, ByteBuffer payload) {
        return ClientTasks.publish(core, topic, copy(payload), true);
    }

    /** Subscribes from new messages on; see {@link #subscribe(String, SubscribeOptions, MessageHandler)}. */
    public Subscription subscribe(String filter, MessageHandler handler) {
        return subscribe(filter, SubscribeOptions.newOnly(), handler);
    }

    /**
     * Subscribes to a topic or pattern ({@code prices.*}, {@code prices.>}); messages go to {@code handler}
     * one at a time on the callback executor. Returns at once: {@link Subscription#subscribed()} completes when
     * the server confirms.
     *
     * @throws IllegalArgumentException if the filter is neither a topic nor a pattern, or the options' positions
     *                                  do not fit it
     * @throws FanoutException          if the client is closed
     */
    public Subscription subscribe(String filter, SubscribeOptions options, MessageHandler handler) {
        ClientTasks.checkFilter(filter, options);
        Objects.requireNonNull(handler, "handler");
        return ClientTasks.subscribe(core, new HandlerSubscription(core, filter, options, handler, pool,
                core.options.bufferMessages(), core.options.bufferBytes()));
    }

    /** A stream of new messages; see {@link #subscribe(String, SubscribeOptions)}. */
    public MessageStream subscribe(String filter) {
        return subscribe(filter, SubscribeOptions.newOnly());
    }

    /**
     * Subscribes to a topic or pattern as a {@link MessageStream} the application iterates. Returns at once.
     *
     * @throws IllegalArgumentException if the filter is neither a topic nor a pattern, or the options' positions
     *                                  do not fit it
     * @throws FanoutException          if the client is closed
     */
    public MessageStream subscribe(String filter, SubscribeOptions options) {
        ClientTasks.checkFilter(filter, options);
        return ClientTasks.subscribe(core, new StreamSubscription(core, filter, options,
                core.options.bufferMessages(), core.options.bufferBytes()));
    }

    /** True while a connection is open and past WELCOME. */
    public boolean isConnected() {
        return core.connected != null;
    }

    /** The current connection's WELCOME, or null while there is none. */
    public ConnectionInfo connection() {
        return core.connected;
    }

    /** The publisher identity this client's publishes are de-duplicated under (the same across reconnects). */
    public String identity() {
        return core.identity;
    }

    /** The options it was made with. */
    public ClientOptions options() {
        return core.options;
    }

    /** Exceptions thrown by this client's handlers so far, all subscriptions. */
    public long callbackErrors() {
        return core.callbackErrors.get();
    }

    /**
     * Closes: sends what {@link #publish} queued (if connected) and a GOODBYE, ends every subscription (streams
     * end, handlers get nothing more), fails the futures of publishes not yet acknowledged, tells the listener
     * {@code onClosed} and stops the client's threads. Returns within about two seconds; idempotent.
     */
    @Override
    public void close() {
        if (core.closed) {
            return;
        }
        core.closed = true;
        core.budget.close("the client is closed");
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!ClientTasks.onLoop(core, () -> core.shutdown(null, done))) {
            done.complete(null);
        }
        if (!core.loop.inEventLoop()) {
            try {
                done.get(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                ClientLog.LOG.log(System.Logger.Level.DEBUG, "closing did not finish in time", e);
            }
        }
        stopThreads();
    }

    private void stopThreads() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        if (ownPool != null) {
            // After the events already posted (onClosed, failed futures): they still run.
            core.events().run(ownPool::shutdown);
        }
    }

    private static byte[] copy(ByteBuffer payload) {
        byte[] bytes = new byte[payload.remaining()];
        payload.duplicate().get(bytes);
        return bytes;
    }
}
