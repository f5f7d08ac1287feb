package dev.fanout.server.session;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Writes socket addresses as people and other tools write them: {@code 127.0.0.1:47700} and
 * {@code [::1]:47700}, rather than Java's {@code /127.0.0.1:47700} and {@code /[0:0:0:0:0:0:0:1]:47700}.
 * Stateless.
 */
public final class Addresses {

    private Addresses() {
    }

    /**
     * Formats {@code address}: an IP address in its shortest form (RFC 5952 for IPv6, in brackets, with its
     * {@code %scope} if it has one), a colon and the port. An unresolved address shows its host name; any
     * other kind of address shows its own {@code toString()}, and null shows as {@code unknown address}.
     */
    public static String format(SocketAddress address) {
        if (!(address instanceof InetSocketAddress inet)) {
            return address == null ? "unknown address" : address.toString();
        }
        InetAddress ip = inet.getAddress();
        if (ip == null) {
            return inet.getHostString() + ":" + inet.getPort();
        }
        String host = NetUtil.toAddressString(ip);
        if (host.contains(":")) {
            String full = ip.getHostAddress();
            int scope = full.indexOf('%');
            host = "[" + host + (scope < 0 ? "" : full.substring(scope)) + "]";
        }
        return host + ":" + inet.getPort();
    }
}
