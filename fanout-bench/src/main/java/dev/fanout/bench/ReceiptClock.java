package dev.fanout.bench;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.function.LongConsumer;

/**
 * Stamps each read of a connection with the time it arrived, for the {@link Tally} (or acknowledged publisher)
 * behind it. Every message of one read arrived at the same moment, so one clock reading per read serves them
 * all: reading the clock per message cost the bench more than the rest of its receive path. Made per channel.
 */
final class ReceiptClock extends ChannelInboundHandlerAdapter {

    private final LongConsumer readArrived;

    /** Tells {@code tally} when each read arrived. */
    ReceiptClock(Tally tally) {
        this(tally::readArrived);
    }

    /** Gives {@code readArrived} the {@code System.nanoTime()} of each read, on the channel's event loop. */
    ReceiptClock(LongConsumer readArrived) {
        this.readArrived = readArrived;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        readArrived.accept(System.nanoTime());
        ctx.fireChannelRead(msg);
    }
}
