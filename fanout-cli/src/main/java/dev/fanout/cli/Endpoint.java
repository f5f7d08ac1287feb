package dev.fanout.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Where a client command connects: {@code PORT}, {@code HOST:PORT} or {@code [IPv6]:PORT}.
 *
 * @param host a host name or address
 * @param port a TCP port
 */
record Endpoint(String host, int port) {

    /** The host a bare port means. */
    static final String DEFAULT_HOST = "127.0.0.1";

    /** Parses the forms listed above. */
    static Endpoint parse(String text) {
        String host = DEFAULT_HOST;
        String port = text;
        int colon = text.lastIndexOf(':');
        if (colon >= 0) {
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            } else if (host.contains(":")) {
                // IPv6 needs brackets: "::1" would be host ":" port 1, and "::1:7070" is ambiguous.
                host = "";
            }
        }
        try {
            int number = Integer.parseInt(port);
            if (number < 1 || number > 65535 || host.isEmpty()) {
                throw new NumberFormatException();
            }
            return new Endpoint(host, number);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not [HOST:]PORT: write e.g. 7070, "
                    + "localhost:7070 or [::1]:7070");
        }
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** Lets picocli parse {@code [HOST:]PORT} arguments. */
    static final class Converter implements ITypeConverter<Endpoint> {
        @Override
        public Endpoint convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
