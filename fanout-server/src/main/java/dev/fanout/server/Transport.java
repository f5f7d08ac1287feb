package dev.fanout.server;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import jdk.net.ExtendedSocketOptions;

/** The chosen I/O transport: how to make event loops, server channels and outgoing connections. */
record Transport(String name, IoHandlerFactory ioHandlers, Class<? extends ServerChannel> serverChannel,
                 Class<? extends Channel> socketChannel) {

    /**
     * Resolves a choice.
     *
     * @throws IllegalStateException if epoll was asked for and is not available, with Netty's reason
     */
    static Transport of(TransportChoice choice) {
        boolean epoll = switch (choice) {
            case AUTO -> Epoll.isAvailable();
            case EPOLL -> {
                if (!Epoll.isAvailable()) {
                    throw new IllegalStateException("the epoll transport is not available here ("
                            + Epoll.unavailabilityCause() + "); use --transport nio or auto");
                }
                yield true;
            }
            case NIO -> false;
        };
        return epoll
                ? new Transport("epoll", ReAddingEpollIoHandler.newFactory(), EpollServerSocketChannel.class,
                        EpollSocketChannel.class)
                : new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class,
                        NioSocketChannel.class);
    }

    EventLoopGroup newGroup(int threads, ThreadFactory threadFactory) {
        return new MultiThreadIoEventLoopGroup(threads, threadFactory, ioHandlers);
    }

    /** Probes sent before a silent peer counts as gone. */
    static final int KEEPALIVE_PROBES = 3;

    /**
     * Turns on TCP keepalive for every accepted connection, with per-socket timers instead of the system's
     * (two hours on Linux): after {@code idle} without traffic, a probe every {@code idle / 2}, and the
     * connection is reset after {@link #KEEPALIVE_PROBES} unanswered. A raw reader that sends nothing and a
     * client that closed without the server noticing are told apart by this alone.
     */
    void keepAlive(ServerBootstrap bootstrap, Duration idle) {
        keepAliveOptions(idle).forEach((option, value) -> set(bootstrap, option, value));
    }

    /** An outgoing connection's bootstrap on {@code loops}, with TCP keepalive as {@link #keepAlive} sets it. */
    Bootstrap connections(EventLoopGroup loops, Duration idle) {
        Bootstrap bootstrap = new Bootstrap().group(loops).channel(socketChannel)
                .option(ChannelOption.TCP_NODELAY, true);
        keepAliveOptions(idle).forEach((option, value) -> set(bootstrap, option, value));
        return bootstrap;
    }

    private Map<ChannelOption<?>, Object> keepAliveOptions(Duration idle) {
        int idleSeconds = (int) Math.max(1, idle.toSeconds());
        int intervalSeconds = Math.max(1, idleSeconds / 2);
        Map<ChannelOption<?>, Object> options = new LinkedHashMap<>();
        options.put(ChannelOption.SO_KEEPALIVE, true);
        if (serverChannel == EpollServerSocketChannel.class) {
            options.put(EpollChannelOption.TCP_KEEPIDLE, idleSeconds);
            options.put(EpollChannelOption.TCP_KEEPINTVL, intervalSeconds);
            options.put(EpollChannelOption.TCP_KEEPCNT, KEEPALIVE_PROBES);
        } else {
            options.put(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE), idleSeconds);
            options.put(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPINTERVAL), intervalSeconds);
            options.put(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPCOUNT), KEEPALIVE_PROBES);
        }
        return options;
    }

    @SuppressWarnings("unchecked")
    private static <T> void set(ServerBootstrap bootstrap, ChannelOption<T> option, Object value) {
        bootstrap.childOption(option, (T) value);
    }

    @SuppressWarnings("unchecked")
    private static <T> void set(Bootstrap bootstrap, ChannelOption<T> option, Object value) {
        bootstrap.option(option, (T) value);
    }
}
