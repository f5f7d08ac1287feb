package dev.fanout.source;

import dev.fanout.protocol.frame.FrameDecoder;
import dev.fanout.server.source.SourceContext;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.LineBasedFrameDecoder;
import java.net.URI;

/**
 * An upstream TCP server that sends messages one after another: frames (a 4-byte big-endian length, then the
 * payload, as the tutorial servers send them) or lines. A frame over {@code --max-frame}, or a line longer, is
 * garbage: the connection is dropped with that reason and made again. A line cut off by the end of the
 * connection is not published: it may be a torn one.
 */
final class TcpUpstream implements Upstream {

    private final String host;
    private final int port;
    private final StreamFormat format;
    private final SourceSettings settings;

    TcpUpstream(URI uri, StreamFormat format, SourceSettings settings) {
        if (format != StreamFormat.FRAMES && format != StreamFormat.LINES) {
            throw new IllegalArgumentException("tcp:// reads frames or lines, not " + format.label());
        }
        this.host = uri.getHost();
        this.port = uri.getPort();
        this.format = format;
        this.settings = settings;
    }

    @Override
    public String describe() {
        return "tcp://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + " (" + format.label() + ")";
    }

    @Override
    public Link open(SourceContext context, SourcePublisher publisher, LinkEvents events) {
        NettyLink link = new NettyLink(events);
        NettyLink.Publishing publishing = new NettyLink.Publishing(publisher, link);
        int max = context.maxMessage();
        return link.connect(context.connections().get()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        settings.connectTimeout().toMillis()))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(new NettyLink.Activity(events),
                                format == StreamFormat.FRAMES ? new FrameDecoder(max)
                                        : new LineBasedFrameDecoder(max, true, true),
                                publishing);
                    }
                }), host, port);
    }
}
