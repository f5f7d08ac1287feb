package dev.fanout.server.session;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;

/**
 * Stands in for the socket under an {@code EmbeddedChannel}, which otherwise takes every flushed byte at once.
 * While stalled, flushes stop here: what was written stays in the channel, counted by its water marks, its
 * write promises pending, as when the peer does not read. Resuming lets one flush through, and the channel
 * takes everything written so far. Stateful: one per channel.
 */
final class StallingSocket extends ChannelOutboundHandlerAdapter {

    private ChannelHandlerContext ctx;
    private boolean stalled;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        if (!stalled) {
            ctx.flush();
        }
    }

    /** From now on the socket takes nothing. */
    void stall() {
        stalled = true;
    }

    /** The socket takes everything written so far, and whatever comes next. */
    void resume() {
        stalled = false;
        ctx.flush();
    }
}
