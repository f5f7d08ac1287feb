package dev.fanout.server.session;

import io.netty.channel.unix.Errors;
import java.io.IOException;
import java.util.Locale;

/**
 * Tells a peer that went away (it reset the connection, or closed it while the server was still writing)
 * from a real network failure. A program that exits with data still unread resets its connections: that is
 * a client closing, not an error. Stateless.
 */
final class PeerGone {

    private PeerGone() {
    }

    /** True when {@code cause} says the peer reset or closed the connection (ECONNRESET, EPIPE). */
    static boolean is(Throwable cause) {
        if (cause instanceof Errors.NativeIoException nativeError) {
            int errno = nativeError.expectedErr();
            return errno == Errors.ERRNO_ECONNRESET_NEGATIVE || errno == Errors.ERRNO_EPIPE_NEGATIVE;
        }
        if (cause instanceof IOException && cause.getMessage() != null) {
            // The NIO transport reports the same two errors with the JDK's words.
            String message = cause.getMessage().toLowerCase(Locale.ROOT);
            return message.contains("connection reset") || message.contains("broken pipe");
        }
        return false;
    }
}
