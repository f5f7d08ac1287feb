package dev.fanout.server.tls;

import dev.fanout.protocol.Causes;
import dev.fanout.server.session.CloseReason;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.ReferenceCountUtil;
import java.nio.channels.ClosedChannelException;
import java.util.function.Consumer;

/**
 * Holds a TLS connection back until its handshake is done: then installs the listener's handlers and tells them the
 * connection is active, so that nothing (a greeting, a raw subscriber's first message) is written before it. A client
 * that never finishes the handshake (a plaintext client, one too slow, a certificate refused) never becomes a
 * session: it is closed, counted under its {@link CloseReason} and logged. One per connection.
 */
public final class TlsGate extends ChannelInboundHandlerAdapter {

    private final ServerTls tls;
    private final String listener;
    private Consumer<ChannelPipeline> install;
    private boolean refused;

    TlsGate(ServerTls tls, String listener) {
        this.tls = tls;
        this.listener = listener;
    }

    /**
     * The connection limiter refused this connection ({@code gate} null on a plaintext listener: nothing to do). Its
     * refusal, if its protocol has one, waits for the handshake and goes encrypted: briefly, and for a bounded number
     * of connections at once ({@link ServerTls#refusedWaiting}); past that, or without one, the connection is reset
     * at once. Either way the refusal was counted already, so the handshake's end is not counted again.
     */
    public static void limited(TlsGate gate, Channel channel) {
        if (gate == null) {
            return;
        }
        gate.refused = true;
        gate.tls.waitToRefuse(channel);
    }

    /**
     * Adds {@code handlers} to {@code pipeline}: at once on a plaintext listener ({@code gate} null), else once the
     * handshake is done. On the channel's loop, while its pipeline is built.
     */
    public static void install(TlsGate gate, ChannelPipeline pipeline, Consumer<ChannelPipeline> handlers) {
        if (gate == null) {
            handlers.accept(pipeline);
        } else {
            gate.install = handlers;
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // Held until the handshake is done: the handlers that act on it are not there yet.
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        // Nothing is decrypted before the handshake is done; a message here has no handler to take it.
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (!(event instanceof SslHandshakeCompletionEvent done)) {
            ctx.fireUserEventTriggered(event);
            return;
        }
        if (!done.isSuccess()) {
            refuse(ctx, done.cause());
            return;
        }
        ChannelPipeline pipeline = ctx.pipeline();
        if (install != null) {
            install.accept(pipeline);
        }
        ctx.fireChannelActive();
        pipeline.remove(this);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Before the handshake is done only the handshake fails: its event says how, and the connection is closed.
        refuse(ctx, cause);
    }

    private void refuse(ChannelHandlerContext ctx, Throwable cause) {
        if (refused) {
            return;
        }
        refused = true;
        if (has(cause, NotSslRecordException.class)) {
            tls.refused(ctx.channel(), listener, CloseReason.NOT_TLS, "not TLS (a plaintext client on a TLS port? "
                    + "connect with TLS, e.g. --tls)");
            // A reset, not a normal close: a plaintext publisher must not take the end for its messages arriving.
            ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
        } else if (has(cause, SslHandshakeTimeoutException.class)) {
            tls.refused(ctx.channel(), listener, CloseReason.TLS_TIMEOUT, "TLS handshake not finished within "
                    + tls.handshakeTimeoutMillis() + " ms (--handshake-timeout)");
        } else {
            tls.refused(ctx.channel(), listener, CloseReason.TLS_FAILED, "TLS handshake failed ("
                    + (has(cause, ClosedChannelException.class) ? "closed by the client" : message(cause)) + ")");
        }
        ctx.close();
    }

    private static boolean has(Throwable cause, Class<? extends Throwable> type) {
        return Causes.has(cause, type);
    }

    private static String message(Throwable cause) {
        Throwable root = Causes.root(cause);
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
