package dev.fanout.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Where the bench connects: one server, or one node of a cluster.
 *
 * @param host a host name or address
 * @param port a TCP port
 */
public record Address(String host, int port) {

    /** Checks the port, naming it. */
    public Address {
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("host must not be empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port (" + port + ") must be from 1 to 65535");
        }
    }

    /**
     * Parses {@code PORT} (on {@code defaultHost}), {@code HOST:PORT} or {@code [IPv6]:PORT}.
     *
     * @throws IllegalArgumentException if {@code text} is none of them, with an example
     */
    public static Address parse(String text, String defaultHost) {
        String host = defaultHost;
        String port = text.strip();
        int colon = port.lastIndexOf(':');
        if (colon >= 0) {
            host = port.substring(0, colon);
            port = port.substring(colon + 1);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            } else if (host.contains(":")) {
                // IPv6 needs brackets: "::1:7070" is ambiguous.
                host = "";
            }
        }
        try {
            int number = Integer.parseInt(port);
            if (number < 1 || number > 65535 || host.isEmpty()) {
                throw new NumberFormatException();
            }
            return new Address(host, number);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not [HOST:]PORT: write e.g. 7070, "
                    + "127.0.0.1:7070 or [::1]:7070");
        }
    }

    /** Parses a comma-separated list of {@link #parse} forms; at least one. */
    public static List<Address> parseList(String text, String defaultHost) {
        List<Address> addresses = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            addresses.add(parse(part, defaultHost));
        }
        return List.copyOf(addresses);
    }

    /** {@code HOST:PORT}, with brackets around an IPv6 address: what {@link #parse} reads back. */
    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
