package dev.fanout.server;

/** Which I/O transport the server uses. */
public enum TransportChoice {
    /** Native epoll where available (Linux x86_64), NIO elsewhere. */
    AUTO,
    /** Native epoll; fails at start where it is not available. */
    EPOLL,
    /** Java NIO, available everywhere. */
    NIO
}
