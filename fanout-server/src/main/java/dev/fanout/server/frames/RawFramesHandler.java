package dev.fanout.server.frames;

import dev.fanout.hub.PublishRefusedException;
import dev.fanout.protocol.control.ControlCodec;
import dev.fanout.server.control.ControlHandler;
import dev.fanout.server.control.ControlOptions;
import dev.fanout.server.control.SubscriptionBudget;
import dev.fanout.server.session.CloseReason;
import dev.fanout.server.session.Session;
import dev.fanout.server.session.SessionContext;
import dev.fanout.server.session.SessionHandler;
import dev.fanout.server.source.RelayPath;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Serves one raw frames client: subscribes it to the default topic and publishes each frame it sends there.
 * The listener allows half-closed connections, so a tutorial client that shuts down its sending side and only
 * reads works unchanged. A client whose first frame is a HELLO is handed to a {@link ControlHandler}, which
 * takes this handler's place. Stateful: one instance per channel.
 */
final class RawFramesHandler extends SessionHandler {

    /** Most frames published in one go; a larger burst is published in parts. */
    private static final int MAX_BURST = 1024;

    private final SessionContext context;
    private final Duration keepAlive;
    private final ControlOptions control;
    private final String serverName;
    private final int maxFrame;
    private final SubscriptionBudget subscriptions;
    private final RelayPath relays;
    private boolean firstFrame = true;
    private Session session;
    private boolean published;
    /** Frames read since the last read completed; published together. */
    private final List<ByteBuf> burst = new ArrayList<>();

    /**
     * {@code keepAlive}: how often a half-closed reader's connection is checked for having gone; {@code control},
     * {@code serverName} and {@code maxFrame}: what a client that switches to control mode is served with.
     */
    RawFramesHandler(SessionContext context, Duration keepAlive, ControlOptions control, String serverName,
                     int maxFrame, SubscriptionBudget subscriptions, RelayPath relays) {
        this.subscriptions = subscriptions;
        this.relays = relays;
        this.context = context;
        this.keepAlive = keepAlive;
        this.control = control;
        this.serverName = serverName;
        this.maxFrame = maxFrame;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        session = new Session(context.registry().nextId(), ctx.channel(), context, RawWire.INSTANCE);
        session.open();
        // A raw client is anonymous: with an auth file, it reads the default topic only if anonymous may.
        String lobby = context.hub().defaultTopic();
        if (session.principal().maySubscribe(lobby)) {
            session.subscribe(lobby);
        } else if (!session.principal().mayPublish(lobby)) {
            // Raw mode can do nothing here: a connection that does not switch to control mode only holds a place.
            session.closeUnlessLoggedInWithin(() -> firstFrame, "HELLO");
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (session.isClosed()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        ByteBuf frame = (ByteBuf) msg;
        if (firstFrame) {
            firstFrame = false;
            if (ControlCodec.isHello(frame)) {
                enterControlMode(ctx, frame);
                return;
            }
            if (ControlHandler.isControlWithoutHello(frame)) {
                frame.release();
                ControlHandler.helloRequired(session);
                return;
            }
        }
        published = true;
        burst.add(frame);
        if (burst.size() >= MAX_BURST) {
            publishBurst(ctx);
        }
    }

    /**
     * The client said HELLO: it leaves the default topic (what was already queued for it still goes out first,
     * which a control client skips until WELCOME) and a control handler takes this one's place.
     */
    private void enterControlMode(ChannelHandlerContext ctx, ByteBuf hello) {
        session.unsubscribe(context.hub().find(context.hub().defaultTopic()));
        ctx.pipeline().get(AssemblingFrameDecoder.class).maxFrame(maxFrame + ControlCodec.MAX_HEADER_BYTES);
        ControlHandler handler = new ControlHandler(session, control, maxFrame, subscriptions, relays);
        ctx.pipeline().replace(this, "controlHandler", handler);
        handler.hello(hello, serverName);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // Frames that arrived before the connection ended still count.
        publishBurst(ctx);
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        publishBurst(ctx);
        super.exceptionCaught(ctx, cause);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        publishBurst(ctx);
        ctx.fireChannelReadComplete();
    }

    /** Publishes the frames of one read burst together: one lock, one hand-off per event loop. */
    private void publishBurst(ChannelHandlerContext ctx) {
        if (burst.isEmpty()) {
            return;
        }
        if (!session.principal().mayPublish(context.hub().defaultTopic())) {
            burst.forEach(ByteBuf::release);
            burst.clear();
            String why = session.forbidden("publish to '" + context.hub().defaultTopic() + "'");
            // Raw mode cannot say why: a reset, which a publisher does not take for its messages having arrived.
            ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
            session.close(CloseReason.FORBIDDEN, why);
            return;
        }
        session.published(burst);
        context.broker().publishAll(context.hub().defaultTopic(), burst, session.origin())
                .whenComplete((position, failure) -> {
                    CloseReason refusal = PublishRefusedException.is(failure, PublishRefusedException.Reason.READ_ONLY)
                            ? CloseReason.READ_ONLY
                            : PublishRefusedException.is(failure, PublishRefusedException.Reason.UNAVAILABLE)
                            ? CloseReason.UNAVAILABLE : null;
                    if (refusal != null) {
                        String why = PublishRefusedException.cause(failure).getMessage();
                        session.onLoop(() -> {
                            // A reset, not a normal close, which a publisher (fanout pub) reads as all taken.
                            ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
                            session.close(refusal, why);
                        });
                    }
                });
        burst.clear();
        context.broker().backlog().pauseWhileFull(ctx.channel());
    }

    /**
     * The client shut down its sending side. One that never published is a reader (the tutorial client does
     * this) and keeps receiving; one that published is done, and is closed once its frames are in: its
     * publisher sees a clean end of stream and knows nothing it sent was lost.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        publishBurst(ctx);
        if (event instanceof ChannelInputShutdownEvent) {
            if (published) {
                session.close(CloseReason.CLIENT_CLOSED, "finished publishing");
            } else {
                HalfClosedWatch.start(ctx.channel(), session, keepAlive);
            }
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    protected Session session() {
        return session;
    }

    @Override
    protected CloseReason reasonFor(Throwable cause) {
        return FrameFailures.closeReason(cause);
    }
}
