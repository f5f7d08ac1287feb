package dev.fanout.server.lines;

import dev.fanout.protocol.line.LineDecoder;
import dev.fanout.protocol.line.Lines;
import dev.fanout.protocol.line.TelnetDecoder;
import dev.fanout.server.session.ConnectionLimiter;
import dev.fanout.server.session.SessionContext;
import dev.fanout.server.tls.ServerTls;
import dev.fanout.server.tls.TlsGate;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Builds the pipeline of each lines connection. Shared by all of them. */
public final class LinesInitializer extends ChannelInitializer<Channel> {

    private final SessionContext context;
    private final ConnectionLimiter limiter;
    private final ServerTls tls;
    private final ChatCommands commands;
    private final String serverName;
    private final int maxLine;
    private final Duration lineFlush;
    private final Duration idleTimeout;

    /**
     * Creates the initializer.
     *
     * @param tls        the TLS clients speak first, or null for plaintext
     * @param serverName named in the greeting
     * @param maxLine    longest line a client may send, in bytes
     * @param lineFlush  how long a partial line may idle before it counts as complete; zero turns this off
     * @param maxFollowed topics one client may follow with /sub besides its room
     * @param idleTimeout a client that has sent nothing for this long is closed; zero turns this off
     */
    public LinesInitializer(SessionContext context, ConnectionLimiter limiter, ServerTls tls, String serverName,
                            int maxLine, Duration lineFlush, int maxFollowed, Duration idleTimeout) {
        this.context = context;
        this.limiter = limiter;
        this.tls = tls;
        this.commands = new ChatCommands(context.registry(), context.hub(), maxFollowed);
        this.idleTimeout = idleTimeout;
        this.serverName = serverName;
        this.maxLine = maxLine;
        this.lineFlush = lineFlush;
    }

    @Override
    protected void initChannel(Channel channel) {
        // TLS first: a refusal written before the handshake waits for it and goes encrypted, never in clear.
        TlsGate gate = tls == null ? null : tls.secure(channel, "lines");
        if (!limiter.admit(channel, why -> Lines.encode(channel.alloc(), "*** " + serverName + ": " + why))) {
            TlsGate.limited(gate, channel);
            return;
        }
        TlsGate.install(gate, channel.pipeline(), this::addSession);
    }

    private void addSession(ChannelPipeline pipeline) {
        if (idleTimeout.toMillis() > 0) {
            // 0. a chat client that has sent nothing for this long is closed (the handler hears of it)
            pipeline.addLast("idle", new IdleStateHandler(idleTimeout.toMillis(), 0, 0, TimeUnit.MILLISECONDS));
        }
        pipeline
                // 1. telnet commands out of the text: negotiation refused, Ctrl-C and AYT passed on as signals
                .addLast("telnetDecoder", new TelnetDecoder())
                // 2. bytes to lines, bounded by maxLine; bad lines become LineProblem values, not errors
                .addLast("lineDecoder", new LineDecoder(maxLine, lineFlush))
                // 3. the session: chat, commands, delivery
                .addLast("linesHandler", new LinesHandler(context, commands, serverName, maxLine));
    }
}
