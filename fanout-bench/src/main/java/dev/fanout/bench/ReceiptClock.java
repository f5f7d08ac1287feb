package dev.fanout.bench;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Stamps each read of a subscriber connection with the time it arrived, for the {@link Tally} behind it. Every
 * message of one read arrived at the same moment, so one clock reading per read serves them all: reading the
 * clock per message cost the bench more than the rest of its receive path. Made per channel.
 */
final class ReceiptClock extends ChannelInboundHandlerAdapter {

    private final Tally tally;

    ReceiptClock(Tally tally) {
        this.tally = tally;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        tally.readArrived(System.nanoTime());
        ctx.fireChannelRead(msg);
    }
}
