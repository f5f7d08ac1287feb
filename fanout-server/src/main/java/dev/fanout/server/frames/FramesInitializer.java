package dev.fanout.server.frames;

import dev.fanout.server.control.ControlOptions;
import dev.fanout.server.control.SubscriptionBudget;
import dev.fanout.server.source.RelayPath;
import dev.fanout.server.session.ConnectionLimiter;
import dev.fanout.server.session.SessionContext;
import dev.fanout.server.tls.ServerTls;
import dev.fanout.server.tls.TlsGate;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import java.time.Duration;

/** Builds the pipeline of each frames connection. Shared by all of them. */
public final class FramesInitializer extends ChannelInitializer<Channel> {

    private final SessionContext context;
    private final ConnectionLimiter limiter;
    private final ServerTls tls;
    private final int maxFrame;
    private final InboundBudget inbound;
    private final Duration frameTimeout;
    private final Duration keepAlive;
    private final ControlOptions control;
    private final String serverName;
    private final SubscriptionBudget subscriptions;
    private final RelayPath relays;

    /**
     * Creates the initializer.
     *
     * @param tls          the TLS clients speak first, or null for plaintext
     * @param maxFrame     bounds the payloads clients may send
     * @param inbound      bounds what frames still arriving hold, all connections together
     * @param frameTimeout how long a frame that has started may take to finish; zero turns this off
     * @param keepAlive    the keepalive period, after which a half-closed reader is checked for having gone
     * @param control      control mode's settings, for clients that say HELLO
     * @param serverName   the name WELCOME gives
     * @param relays       which servers feed this one, for relays that say HELLO
     * @param subscriptions the bound on control-mode subscriptions, shared with WebSocket clients
     */
    public FramesInitializer(SessionContext context, ConnectionLimiter limiter, ServerTls tls, int maxFrame,
                             InboundBudget inbound, Duration frameTimeout, Duration keepAlive, ControlOptions control,
                             String serverName, RelayPath relays, SubscriptionBudget subscriptions) {
        this.context = context;
        this.limiter = limiter;
        this.tls = tls;
        this.maxFrame = maxFrame;
        this.inbound = inbound;
        this.frameTimeout = frameTimeout;
        this.keepAlive = keepAlive;
        this.control = control;
        this.serverName = serverName;
        this.relays = relays;
        this.subscriptions = subscriptions;
    }

    @Override
    protected void initChannel(Channel channel) {
        // TLS first, so that nothing goes out in clear; the rest once its handshake is done.
        TlsGate gate = tls == null ? null : tls.secure(channel, "frames");
        // Raw mode has no way to say why. A refused client's connection is reset rather than closed, so its
        // next read or write fails ("connection reset") instead of looking like a normal end of stream.
        if (!limiter.admit(channel, null)) {
            TlsGate.limited(gate, channel);
            return;
        }
        TlsGate.install(gate, channel.pipeline(), this::addSession);
    }

    private void addSession(ChannelPipeline pipeline) {
        pipeline
                // 1. bytes to payloads; the length prefix is checked against maxFrame before anything is buffered,
                //    a frame spread over reads is charged to the inbound budget and must finish in time
                .addLast("frameDecoder", new AssemblingFrameDecoder(maxFrame, inbound, frameTimeout))
                // 2. the session: publish what the client sends, deliver the default topic; a HELLO replaces this
                //    with the control handler
                .addLast("rawFramesHandler", new RawFramesHandler(context, keepAlive, control, serverName, maxFrame,
                        subscriptions, relays));
    }
}
