package dev.fanout.server.lines;

import dev.fanout.protocol.line.LineProblem;
import dev.fanout.server.session.CloseReason;
import dev.fanout.server.session.SessionContext;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one lines client: greets it, publishes its plain lines to its room, runs its commands and answers
 * rejected lines with an error. Stateful: one instance per channel.
 */
final class LinesHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(LinesHandler.class);

    private final SessionContext context;
    private final ChatCommands commands;
    private final String greeting;
    private final int maxLine;
    private LinesSession session;

    LinesHandler(SessionContext context, ChatCommands commands, String serverName, int maxLine) {
        this.context = context;
        this.commands = commands;
        this.greeting = serverName;
        this.maxLine = maxLine;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        session = new LinesSession(context.registry().nextId(), ctx.channel(), context);
        session.open();
        session.join(context.hub().defaultTopic());
        session.notice("welcome to " + greeting + ": you are client #" + session.id() + ", known as "
                + session.name() + ", in room " + session.room().name() + " (" + session.room().subscriberCount()
                + " here). Type /help for commands.");
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (session.isClosed()) {
            return;
        }
        if (msg instanceof LineProblem problem) {
            session.notice("error: " + describe(problem) + "; the line was not sent");
        } else if (msg instanceof String line) {
            if (line.startsWith("/") && !line.startsWith("//")) {
                commands.execute(session, line);
            } else if (!line.isEmpty()) {
                publish(ctx, line.startsWith("//") ? line.substring(1) : line);
            }
        }
    }

    private void publish(ChannelHandlerContext ctx, String text) {
        context.hub().publish(session.room().name(), ByteBufUtil.writeUtf8(ctx.alloc(), text), session.origin());
        context.hub().backlog().pauseWhileFull(ctx.channel());
    }

    private String describe(LineProblem problem) {
        return switch (problem) {
            case TOO_LONG -> "line too long (the limit is " + maxLine + " bytes)";
            case INVALID_UTF8 -> "line is not valid UTF-8";
            case CONTROL_CHARACTER -> "line contains control characters";
        };
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        session.onInactive();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            session.onWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            session.close(CloseReason.IO_ERROR, cause.getMessage());
        } else {
            log.warn("{}: unexpected error", session, cause);
            session.close(CloseReason.SERVER_ERROR, cause.getClass().getSimpleName());
        }
    }
}
