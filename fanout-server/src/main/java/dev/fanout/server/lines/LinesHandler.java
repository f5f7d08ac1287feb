package dev.fanout.server.lines;

import dev.fanout.hub.PublishRefusedException;
import dev.fanout.protocol.line.LineProblem;
import dev.fanout.protocol.line.TelnetSignal;
import dev.fanout.server.auth.Permissions;
import dev.fanout.server.session.CloseReason;
import dev.fanout.server.session.Session;
import dev.fanout.server.session.SessionContext;
import dev.fanout.server.session.SessionHandler;
import io.netty.buffer.ByteBuf;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;

/**
 * Serves one lines client: greets it, publishes its plain lines to its room, runs its commands, answers
 * rejected lines with an error, and ends the session on a telnet interrupt (Ctrl-C). Stateful: one instance
 * per channel.
 */
final class LinesHandler extends SessionHandler {

    private final SessionContext context;
    private final ChatCommands commands;
    private final String greeting;
    private final int maxLine;
    private Session session;
    private ChatMember member;

    LinesHandler(SessionContext context, ChatCommands commands, String serverName, int maxLine) {
        this.context = context;
        this.commands = commands;
        this.greeting = serverName;
        this.maxLine = maxLine;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        session = new Session(context.registry().nextId(), ctx.channel(), context, LinesWire.INSTANCE);
        member = new ChatMember(session);
        session.open();
        if (!session.principal().maySubscribe(context.hub().defaultTopic())) {
            // A server that asks who you are, and lets anonymous into no room: the client logs in first.
            Permissions anonymous = session.principal().permissions();
            boolean nothing = anonymous.publish().isEmpty() && anonymous.subscribe().isEmpty();
            session.notice("welcome to " + greeting + ": you are client #" + session.id() + ", known as "
                    + session.name() + ". This server asks who you are: /login NAME SECRET"
                    + (nothing ? " within " + context.handshakeTimeout().toSeconds() + " s" : ", or /join a room "
                    + "anyone may") + ". Type /help for commands.");
            if (nothing) {
                session.closeUnlessLoggedInWithin(() -> true, "login");
            }
            ctx.fireChannelActive();
            return;
        }
        member.join(context.hub().defaultTopic());
        session.notice("welcome to " + greeting + ": you are client #" + session.id() + ", known as "
                + session.name() + ", in room " + member.room().name() + " ("
                + RoomListing.Count.of(member.room()).here() + "). Type /help for commands.");
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (session.isClosed()) {
            return;
        }
        if (msg instanceof LineProblem problem) {
            session.notice("error: " + describe(problem) + "; the line was not sent");
        } else if (msg == TelnetSignal.INTERRUPT) {
            // Ctrl-C in telnet: the user wants out, as with /quit.
            session.close(CloseReason.CLIENT_QUIT, "interrupted (Ctrl-C)");
        } else if (msg == TelnetSignal.ARE_YOU_THERE) {
            session.notice("yes, " + greeting + " is here");
        } else if (msg instanceof String line) {
            if (line.startsWith("/") && !line.startsWith("//")) {
                commands.execute(member, line);
            } else if (!line.isEmpty()) {
                publish(ctx, line.startsWith("//") ? line.substring(1) : line);
            }
        }
    }

    private void publish(ChannelHandlerContext ctx, String text) {
        if (member.room() == null) {
            session.notice("error: not sent: you are in no room; " + (session.principal().anonymous()
                    && context.auth() != null ? "/login NAME SECRET first" : "/join ROOM first"));
            return;
        }
        if (!session.principal().mayPublish(member.room().name())) {
            session.notice("error: not sent: " + session.forbidden("publish to '" + member.room().name() + "'"));
            return;
        }
        ByteBuf payload = ByteBufUtil.writeUtf8(ctx.alloc(), text);
        session.published(1, payload.readableBytes());
        context.broker().publish(member.room().name(), payload, session.origin(),
                null).whenComplete((position, failure) -> {
                    if (failure != null) {
                        String why = PublishRefusedException.cause(failure).getMessage();
                        session.onLoop(() -> member.notice("error: not sent: " + why));
                    }
                });
        context.broker().backlog().pauseWhileFull(ctx.channel());
    }

    /** The client has sent nothing for --idle-timeout: closed, told why. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE) {
            session.close(CloseReason.IDLE_TIMEOUT, null);
        }
        ctx.fireUserEventTriggered(event);
    }

    private String describe(LineProblem problem) {
        return switch (problem) {
            case TOO_LONG -> "line too long (the limit is " + maxLine + " bytes)";
            case INVALID_UTF8 -> "line is not valid UTF-8";
            case CONTROL_CHARACTER -> "line contains control characters";
        };
    }

    @Override
    protected Session session() {
        return session;
    }
}
