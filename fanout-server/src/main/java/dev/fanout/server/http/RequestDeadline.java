package dev.fanout.server.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection whose request is not answered within the deadline of its first byte ({@code
 * --handshake-timeout}): a client that sends its headers a byte at a time (slowloris) is closed at the deadline,
 * however often it sends. Idle time between requests is not counted; the idle handler bounds that. At the head of
 * the pipeline, where bytes arrive; one per connection.
 */
final class RequestDeadline extends ChannelInboundHandlerAdapter {

    private final long timeoutMillis;
    private ScheduledFuture<?> deadline;

    RequestDeadline(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (deadline == null) {
            deadline = ctx.executor().schedule(() -> {
                ctx.close();
            }, timeoutMillis, TimeUnit.MILLISECONDS);
        }
        ctx.fireChannelRead(msg);
    }

    /** The request (and any sent with it) is answered: the next one's deadline starts at its first byte. */
    void answered() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    /** Taken out when the connection becomes a WebSocket: its deadline goes with it. */
    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        answered();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        answered();
        ctx.fireChannelInactive();
    }
}
