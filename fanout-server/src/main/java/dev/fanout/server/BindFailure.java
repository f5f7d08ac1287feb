package dev.fanout.server;

import java.util.Locale;

/**
 * Says why a listener could not bind, in plain words with the one hint that fits: the port flag when the port
 * is taken, {@code --host} when the address is not this machine's, a port from 1024 up when a low port is not
 * allowed. The cause is recognised by the system's words for it ({@code strerror}), which NIO's
 * {@code BindException} and epoll's {@code bind(..) failed with error(-98): Address already in use} both carry.
 */
final class BindFailure {

    /** Ports below this need privileges on Linux and the BSDs. */
    private static final int FIRST_UNPRIVILEGED_PORT = 1024;

    private BindFailure() {
    }

    /**
     * The error to throw for a failed bind.
     *
     * @param protocol "frames" or "lines"
     * @param host     the address as the user gave it
     * @param port     the port asked for
     * @param cause    what the transport threw
     */
    static IllegalStateException of(String protocol, String host, int port, Throwable cause) {
        String portFlag = "frames".equals(protocol) ? "--port" : "--lines-port";
        String where = "port " + port + " on " + bracketed(host);
        String why = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
        String message;
        if (why.contains("address already in use")) {
            message = "cannot listen for " + protocol + ": " + where + " is already in use; stop what uses it or "
                    + "choose another port with " + portFlag + " (0 picks a free one)";
        } else if (why.contains("assign requested address")) {
            message = "cannot listen for " + protocol + " on " + bracketed(host) + ": it is not an address of this "
                    + "machine; check --host (the default is loopback; '::' listens on every address)";
        } else if (why.contains("permission denied") || why.contains("access denied")) {
            message = "cannot listen for " + protocol + ": not allowed to use " + where
                    + (port > 0 && port < FIRST_UNPRIVILEGED_PORT
                            ? " (ports below " + FIRST_UNPRIVILEGED_PORT + " need root or the CAP_NET_BIND_SERVICE "
                                    + "capability); choose a port from " + FIRST_UNPRIVILEGED_PORT + " up with "
                                    + portFlag
                            : "; choose another port with " + portFlag);
        } else {
            message = "cannot listen for " + protocol + " on " + bracketed(host) + ":" + port + ": "
                    + cause.getMessage();
        }
        return new IllegalStateException(message, cause);
    }

    /** The error to throw when {@code --host} names nothing that resolves. */
    static IllegalStateException unknownHost(String host, Throwable cause) {
        return new IllegalStateException("cannot listen on '" + host + "': no such host or address; check --host "
                + "(an address or name of this machine, e.g. 127.0.0.1, ::1 or ::)", cause);
    }

    private static String bracketed(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}
