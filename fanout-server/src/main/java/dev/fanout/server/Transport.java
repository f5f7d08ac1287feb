package dev.fanout.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import jdk.net.ExtendedSocketOptions;

/** The chosen I/O transport: how to make event loops and server channels. */
record Transport(String name, IoHandlerFactory ioHandlers, Class<? extends ServerChannel> serverChannel) {

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
                ? new Transport("epoll", ReAddingEpollIoHandler.newFactory(), EpollServerSocketChannel.class)
                : new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class);
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
        int idleSeconds = (int) Math.max(1, idle.toSeconds());
        int intervalSeconds = Math.max(1, idleSeconds / 2);
        bootstrap.childOption(ChannelOption.SO_KEEPALIVE, true);
        if (serverChannel == EpollServerSocketChannel.class) {
            bootstrap.childOption(EpollChannelOption.TCP_KEEPIDLE, idleSeconds)
                    .childOption(EpollChannelOption.TCP_KEEPINTVL, intervalSeconds)
                    .childOption(EpollChannelOption.TCP_KEEPCNT, KEEPALIVE_PROBES);
        } else {
            bootstrap.childOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE), idleSeconds)
                    .childOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPINTERVAL), intervalSeconds)
                    .childOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPCOUNT), KEEPALIVE_PROBES);
        }
    }
}
