package dev.fanout.source;

import dev.fanout.server.session.Addresses;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A link that is one Netty connection: connected when the connect succeeds, ended once, when the connect fails
 * or the channel closes, with the reason the pipeline gave ({@link #fail}) or the upstream's close. Also the
 * pipeline's last handler's helpers: what a handler reads is heard, and reading pauses while the publisher
 * says so.
 */
final class NettyLink implements Link {

    /**
     * Looks host names up: a lookup blocks, so never on an event loop, which serves clients. Two threads, as
     * sources look up once per connection attempt.
     */
    private static final ExecutorService LOOKUPS = Executors.newFixedThreadPool(2,
            new DefaultThreadFactory("fanout-source-lookup", true));

    private final LinkEvents events;
    private final boolean connectedOnConnect;
    private volatile ChannelFuture connect;
    private volatile boolean closed;
    private volatile String reason;

    /** A link that reports to {@code events}, connected once the connection is made. */
    NettyLink(LinkEvents events) {
        this(events, true);
    }

    /**
     * A link that reports to {@code events}; {@link #watch} gives it its connection. Unless
     * {@code connectedOnConnect}, the pipeline reports it connected itself, when what it asked for has come (an
     * HTTP stream's 200).
     */
    NettyLink(LinkEvents events, boolean connectedOnConnect) {
        this.events = events;
        this.connectedOnConnect = connectedOnConnect;
    }

    /**
     * Looks {@code host} up off the event loops, then connects with {@code bootstrap} (whose pipeline the caller has
     * set up) and watches the connection; returns this link at once. A host that cannot be found ends the link.
     */
    NettyLink connect(Bootstrap bootstrap, String host, int port) {
        CompletableFuture.supplyAsync(() -> lookUp(host, port), LOOKUPS).whenComplete((address, failure) -> {
            if (failure != null) {
                events.ended(Failures.describe(failure.getCause() != null ? failure.getCause() : failure));
            } else if (closed) {
                events.ended("stopped");
            } else {
                watch(bootstrap.connect(address));
            }
        });
        return this;
    }

    private static InetSocketAddress lookUp(String host, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("cannot find the host " + host + " (" + e.getMessage() + ")", e);
        }
    }

    /** Watches {@code connecting}, whose channel's pipeline the caller has set up, and returns this link. */
    NettyLink watch(ChannelFuture connecting) {
        this.connect = connecting;
        if (closed) {
            close();
        }
        connecting.addListener(done -> {
            if (!done.isSuccess()) {
                events.ended(done.cause() == null ? "connect cancelled" : Failures.describe(done.cause()));
                return;
            }
            Channel channel = connect.channel();
            if (connectedOnConnect) {
                events.connected(Addresses.format(channel.remoteAddress()));
            }
            channel.closeFuture().addListener(closed -> events.ended(reason != null ? reason
                    : "the upstream closed the connection"));
        });
        return this;
    }

    /** Closes {@code channel} because of {@code why}, which the source logs as the reason it was lost. */
    void fail(Channel channel, String why) {
        if (reason == null) {
            reason = why;
        }
        channel.close();
    }

    @Override
    public void close() {
        closed = true;
        ChannelFuture connecting = connect;
        if (connecting != null && !connecting.cancel(false)) {
            connecting.channel().close();
        }
    }


    /** Counts every read as heard, before any decoding: an upstream sending a long message slowly is not idle. */
    static final class Activity extends ChannelInboundHandlerAdapter {
        private final LinkEvents events;

        Activity(LinkEvents events) {
            this.events = events;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            events.heard();
            ctx.fireChannelRead(msg);
        }
    }

    /**
     * The last handler of a message stream: publishes each message, pauses reading when the publisher says so,
     * and turns a failure anywhere in the pipeline into the link's reason.
     */
    static class Publishing extends ChannelInboundHandlerAdapter {
        private final SourcePublisher publisher;
        private final NettyLink link;

        Publishing(SourcePublisher publisher, NettyLink link) {
            this.publisher = publisher;
            this.link = link;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf payload) {
                publisher.publish(ownCopy(ctx, payload));
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            pauseIfAsked(ctx.channel(), publisher);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            link.fail(ctx.channel(), Failures.describe(cause));
        }

        /**
         * The message in a buffer of its own size, {@code payload} released: a decoder's slice would keep the
         * whole read buffer alive for as long as history keeps the message, which history does not count.
         */
        static ByteBuf ownCopy(ChannelHandlerContext ctx, ByteBuf payload) {
            try {
                int size = payload.readableBytes();
                return ctx.alloc().buffer(size, size).writeBytes(payload);
            } finally {
                payload.release();
            }
        }

        /** Stops reading {@code channel} while {@code publisher} must pause, and reads on once it may. */
        static void pauseIfAsked(Channel channel, SourcePublisher publisher) {
            if (channel.config().isAutoRead() && publisher.mustPause()) {
                channel.config().setAutoRead(false);
                publisher.whenWritable(() -> channel.eventLoop().execute(() -> channel.config().setAutoRead(true)));
            }
        }
    }
}
