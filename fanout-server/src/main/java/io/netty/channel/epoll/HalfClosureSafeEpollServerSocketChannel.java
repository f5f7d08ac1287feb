package io.netty.channel.epoll;

import io.netty.channel.Channel;
import io.netty.channel.unix.NativeInetAddress;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * fanout's epoll server channel: Netty's own, but its connections never leave the epoll set while open.
 *
 * <p>Works around a defect in Netty 4.2 (seen in 4.2.18 and 4.2.20): when a connection's interest ops become
 * empty, {@code EpollIoHandler} removes its descriptor from the epoll set ({@code EPOLL_CTL_DEL}) but keeps the
 * registration marked as added, so the next interest (waiting to write, {@code EPOLLOUT}) is asked with
 * {@code EPOLL_CTL_MOD}, which fails with ENOENT; Netty then shuts the connection's output. A half-closed
 * connection reaches empty ops (no more reading, and {@code EPOLLRDHUP} cleared once seen), so the README's own
 * client, which shuts down its sending side and only reads, lost its stream the second time its socket filled.
 * Keeping {@code EPOLLRDHUP} set keeps the ops from ever being empty; with edge-triggered epoll it costs at most a
 * spurious wake-up when the socket's state changes. It lives in Netty's package because the methods it
 * overrides are package-private there. Remove it once Netty re-adds a descriptor it deleted.
 */
public final class HalfClosureSafeEpollServerSocketChannel extends EpollServerSocketChannel {

    @Override
    protected Channel newChildChannel(int fd, byte[] address, int offset, int len) throws Exception {
        return new Connection(this, new LinuxSocket(fd), NativeInetAddress.address(address, offset, len));
    }

    /** An accepted connection that keeps {@code EPOLLRDHUP} set for as long as it is open. */
    static final class Connection extends EpollSocketChannel {

        Connection(Channel parent, LinuxSocket fd, InetSocketAddress remoteAddress) {
            super(parent, fd, remoteAddress);
        }

        @Override
        void clearFlag(int flag) throws IOException {
            if (flag == Native.EPOLLRDHUP) {
                return;
            }
            super.clearFlag(flag);
        }
    }
}
