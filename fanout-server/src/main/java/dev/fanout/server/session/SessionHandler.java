package dev.fanout.server.session;

import dev.fanout.protocol.Causes;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every protocol's session handler does alike: close the session when the connection goes, hand it
 * waiting messages when the connection can take more, and close it with a reason when something fails.
 * Stateful: one instance per channel, like the session it serves.
 */
public abstract class SessionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(SessionHandler.class);

    /** The session this handler serves; set once the channel is active. */
    protected abstract Session session();

    /**
     * The close reason for a failure the protocol knows (an oversized frame, say), or null to let the common
     * handling decide: I/O errors close quietly, anything else is logged with its stack trace.
     */
    protected CloseReason reasonFor(Throwable cause) {
        return null;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        session().onInactive();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            session().onWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        CloseReason known = reasonFor(cause);
        if (Causes.has(cause, OutOfMemoryError.class)) {
            session().context().outOfMemory().accept(cause);
            session().close(CloseReason.SERVER_ERROR, "out of memory");
        } else if (known != null) {
            session().close(known, cause.getMessage());
        } else if (PeerGone.is(cause)) {
            session().close(CloseReason.CLIENT_CLOSED, "connection reset");
        } else if (cause instanceof IOException) {
            session().close(CloseReason.IO_ERROR, cause.getMessage());
        } else {
            log.warn("{}: unexpected error", session(), cause);
            session().close(CloseReason.SERVER_ERROR, cause.getClass().getSimpleName());
        }
    }
}
