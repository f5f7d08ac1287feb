package dev.fanout.client;

import dev.fanout.protocol.control.ControlCodec;
import dev.fanout.protocol.control.ControlFrame;
import dev.fanout.protocol.control.ControlProtocolException;
import dev.fanout.protocol.control.FrameType;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

/**
 * The last handler of a client connection: skips what comes before the WELCOME (raw frames of the server's
 * default topic may), decodes each frame after it and hands it to the {@link ClientCore}. Every frame body is
 * released here, and every decoded frame once the core has seen it: the core copies what it keeps. Stateful:
 * one instance per channel.
 */
final class ClientHandler extends ChannelInboundHandlerAdapter {

    private final ClientCore core;
    private boolean welcomed;

    ClientHandler(ClientCore core) {
        this.core = core;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        core.onActive(ctx.channel());
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf body = (ByteBuf) msg;
        ControlFrame frame;
        try {
            core.heard();
            if (!welcomed && !ControlCodec.isWelcome(body)) {
                goodbyeBeforeWelcome(ctx, body);
                return;
            }
            frame = ControlCodec.decode(body);
        } catch (ControlProtocolException e) {
            core.onException(ctx.channel(), e);
            return;
        } finally {
            body.release();
        }
        try {
            if (!welcomed) {
                welcomed = true;
                core.onWelcome(ctx.channel(), (ControlFrame.Welcome) frame);
            } else {
                core.onFrame(ctx.channel(), frame);
            }
        } finally {
            frame.release();
        }
    }

    /**
     * Before WELCOME only a refusal of the HELLO comes from the server itself (a login refused: a GOODBYE after the
     * ERROR); the rest are raw frames of the default topic that were on their way, and are skipped. A raw payload
     * that is a well-formed GOODBYE from end to end is taken for one: as unlikely as a HELLO by accident.
     */
    private void goodbyeBeforeWelcome(ChannelHandlerContext ctx, ByteBuf body) {
        if (!body.isReadable() || body.getUnsignedByte(body.readerIndex()) != FrameType.GOODBYE.code()) {
            return;
        }
        try {
            if (ControlCodec.decode(body.duplicate()) instanceof ControlFrame.Goodbye goodbye) {
                core.onRefused(ctx.channel(), goodbye);
            }
        } catch (ControlProtocolException e) {
            // A raw payload after all.
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        core.onWritable(ctx.channel());
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        core.onInactive(ctx.channel());
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent done && !done.isSuccess()) {
            core.onException(ctx.channel(), done.cause());
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        core.onException(ctx.channel(), cause);
    }
}
