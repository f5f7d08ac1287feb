package dev.fanout.server.frames;

import dev.fanout.protocol.frame.FrameDecoder;
import dev.fanout.server.session.ConnectionLimiter;
import dev.fanout.server.session.SessionContext;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;

/** Builds the pipeline of each frames connection. Shared by all of them. */
public final class FramesInitializer extends ChannelInitializer<Channel> {

    private final SessionContext context;
    private final ConnectionLimiter limiter;
    private final int maxFrame;

    /** Creates the initializer; {@code maxFrame} bounds the payloads clients may send. */
    public FramesInitializer(SessionContext context, ConnectionLimiter limiter, int maxFrame) {
        this.context = context;
        this.limiter = limiter;
        this.maxFrame = maxFrame;
    }

    @Override
    protected void initChannel(Channel channel) {
        // Raw mode has no way to say why. A refused client's connection is reset rather than closed, so its
        // next read or write fails ("connection reset") instead of looking like a normal end of stream.
        if (!limiter.admit(channel, null)) {
            return;
        }
        channel.pipeline()
                // 1. bytes to payloads; the length prefix is checked against maxFrame before anything is buffered
                .addLast("frameDecoder", new FrameDecoder(maxFrame))
                // 2. the session: publish what the client sends, deliver the default topic
                .addLast("rawFramesHandler", new RawFramesHandler(context));
    }
}
