package dev.fanout.server.frames;

import dev.fanout.server.session.CloseReason;
import dev.fanout.server.session.Session;
import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollSocketChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Watches a raw reader that has half-closed (the README's client does) for the moment its peer is really gone.
 *
 * <p>A client that closed without sending anything and one that only shut down its sending side look alike:
 * both sent a FIN. TCP keepalive tells them apart once the closed peer's system forgets the connection and
 * answers a probe with a reset, but Netty stops watching a socket's errors once its input has ended, so the
 * reset would go unnoticed until the next message is written. This checks the socket's TCP state once per
 * keepalive period instead, and closes the session when the kernel has closed the connection. Epoll only (the
 * state comes from {@code TCP_INFO}); elsewhere the next write notices. Loop-confined.
 */
final class HalfClosedWatch {

    /** Linux's TCP_CLOSE: the connection was reset or timed out. */
    private static final int TCP_CLOSE = 7;

    private HalfClosedWatch() {
    }

    /** Starts watching {@code channel} every {@code period}, until it closes. */
    static void start(Channel channel, Session session, Duration period) {
        if (channel instanceof EpollSocketChannel epoll) {
            var check = channel.eventLoop().scheduleAtFixedRate(() -> {
                if (epoll.isOpen() && epoll.tcpInfo().state() == TCP_CLOSE) {
                    session.close(CloseReason.CLIENT_CLOSED, "gone; found by keepalive while half-closed");
                }
            }, period.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
            channel.closeFuture().addListener(closed -> check.cancel(false));
        }
    }
}
