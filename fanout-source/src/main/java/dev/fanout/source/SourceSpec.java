package dev.fanout.source;

import dev.fanout.protocol.control.TopicNames;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One {@code --source} argument, read: {@code [TOPIC=]WHERE}, where WHERE is {@code stdin},
 * {@code tcp://HOST:PORT}, {@code http(s)://...}, {@code exec:COMMAND} or {@code fanout(s)://HOST:PORT/TOPIC}, and
 * {@code ?format=...} may say how its bytes are cut into messages.
 *
 * @param topic  the topic named before {@code =}, or null: the default topic (a relay keeps its upstream's)
 * @param kind   what it reads
 * @param target what follows the scheme: the URI for network kinds, the command for {@code exec:}
 * @param format the {@code format} parameter's value, lower case, or null
 */
public record SourceSpec(String topic, Kind kind, String target, String format) {

    /** What a source reads. */
    public enum Kind {
        /** The server's standard input. */
        STDIN,
        /** An upstream TCP server. */
        TCP,
        /** An HTTP or HTTPS stream. */
        HTTP,
        /** A command's standard output. */
        EXEC,
        /** Another fanout server, over its control protocol. */
        FANOUT
    }

    /**
     * Reads one {@code --source} argument.
     *
     * @throws IllegalArgumentException naming what is wrong and what is expected
     */
    public static SourceSpec parse(String argument) {
        String text = argument.strip();
        String topic = null;
        int equals = text.indexOf('=');
        // TOPIC=WHERE only when WHERE is a source: in "exec:x=1" or "http://h/?a=b" the '=' belongs to the source.
        if (equals > 0 && startsWithSource(text.substring(equals + 1))) {
            topic = text.substring(0, equals);
            text = text.substring(equals + 1);
            if (!TopicNames.isValidTopic(topic)) {
                throw new IllegalArgumentException("--source " + argument + ": '" + topic + "' is not a topic "
                        + "name (dot-separated tokens of letters, digits and _ - : @ ~)");
            }
        }
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.equals("stdin") || lower.startsWith("stdin?")) {
            return new SourceSpec(topic, Kind.STDIN, "stdin", formatOf(argument, text));
        }
        if (lower.startsWith("exec:")) {
            String command = text.substring("exec:".length()).strip();
            String format = null;
            // exec:COMMAND?format=frames: the parameter is ours only at the very end, so commands keep their '?'.
            int at = command.lastIndexOf("?format=");
            if (at >= 0 && command.substring(at + "?format=".length()).matches("[A-Za-z]+")) {
                format = command.substring(at + "?format=".length()).toLowerCase(Locale.ROOT);
                command = command.substring(0, at).strip();
            }
            if (command.isEmpty()) {
                throw new IllegalArgumentException("--source " + argument + ": exec: needs a command, e.g. "
                        + "exec:'tail -F app.log'");
            }
            return new SourceSpec(topic, Kind.EXEC, command, format);
        }
        Kind kind;
        if (lower.startsWith("tcp://")) {
            kind = Kind.TCP;
        } else if (lower.startsWith("http://") || lower.startsWith("https://")) {
            kind = Kind.HTTP;
        } else if (lower.startsWith("fanout://") || lower.startsWith("fanouts://")) {
            kind = Kind.FANOUT;
        } else {
            throw new IllegalArgumentException("--source " + argument + ": unknown source; expected stdin, "
                    + "tcp://HOST:PORT, http(s)://..., exec:COMMAND or fanout(s)://HOST:PORT/TOPIC "
                    + "(see docs/sources.md)");
        }
        if (kind == Kind.FANOUT) {
            return relay(argument, topic, text);
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--source " + argument + ": not a valid address: " + e.getMessage());
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("--source " + argument + ": no host; expected e.g. "
                    + uri.getScheme() + "://127.0.0.1:" + (kind == Kind.HTTP ? "8080/stream" : "9000"));
        }
        if (kind != Kind.HTTP && uri.getPort() < 0) {
            throw new IllegalArgumentException("--source " + argument + ": no port; expected e.g. "
                    + uri.getScheme() + "://" + uri.getHost() + ":9000");
        }
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            throw new IllegalArgumentException("--source " + argument + ": port " + uri.getPort()
                    + " is not 1 to 65535");
        }
        if (kind == Kind.TCP) {
            String path = uri.getRawPath();
            if (path != null && !path.isEmpty() && !path.equals("/")) {
                throw new IllegalArgumentException("--source " + argument + ": a tcp:// source has no path; expected "
                        + "tcp://HOST:PORT?format=lines|frames");
            }
            onlyFormat(argument, uri.getRawQuery());
        }
        return new SourceSpec(topic, kind, text, formatOf(argument, text));
    }

    /** {@code fanout://HOST:PORT/FILTER}: the filter may be a pattern, whose {@code *} and {@code >} no URI allows. */
    private static SourceSpec relay(String argument, String topic, String text) {
        if (text.contains("?")) {
            throw new IllegalArgumentException("--source " + argument + ": a relay takes no ?parameters (its messages "
                    + "come as its upstream's, no format to choose); expected fanout://HOST:PORT/TOPIC");
        }
        if (topic != null) {
            throw new IllegalArgumentException("--source " + argument + ": a relay keeps its upstream's topic "
                    + "names; drop '" + topic + "='");
        }
        String scheme = text.substring(0, text.indexOf("://"));
        String rest = text.substring(scheme.length() + "://".length());
        int slash = rest.indexOf('/');
        String filter = slash < 0 ? "" : rest.substring(slash + 1);
        if (filter.isEmpty() || !TopicNames.isValidFilter(filter)) {
            throw new IllegalArgumentException("--source " + argument + ": a relay names the topic or pattern it "
                    + "mirrors after the address, e.g. fanout://10.0.0.1:7070/prices or fanout://10.0.0.1:7070/> "
                    + "for every topic");
        }
        URI address;
        try {
            address = new URI(scheme + "://" + rest.substring(0, slash));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--source " + argument + ": not a valid address: " + e.getMessage());
        }
        if (address.getHost() == null || address.getPort() < 0) {
            throw new IllegalArgumentException("--source " + argument + ": expected fanout://HOST:PORT/TOPIC, e.g. "
                    + "fanout://10.0.0.1:7070/prices");
        }
        return new SourceSpec(null, Kind.FANOUT, text, null);
    }

    /** The argument as people wrote it, near enough for an error message: {@code [TOPIC=]SOURCE}. */
    public String text() {
        return (topic == null ? "" : topic + "=") + (kind == Kind.EXEC ? "exec:" : "") + target
                + (kind == Kind.EXEC && format != null ? "?format=" + format : "");
    }

    /** A relay's topic or pattern: what follows its address. */
    public String relayFilter() {
        if (kind != Kind.FANOUT) {
            throw new IllegalStateException(kind + " is not a relay");
        }
        String rest = target.substring(target.indexOf("://") + "://".length());
        return rest.substring(rest.indexOf('/') + 1);
    }

    private static boolean startsWithSource(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        return lower.equals("stdin") || lower.startsWith("stdin?") || lower.startsWith("exec:")
                || lower.startsWith("tcp://") || lower.startsWith("http://") || lower.startsWith("https://")
                || lower.startsWith("fanout://") || lower.startsWith("fanouts://");
    }

    /** Refuses parameters other than {@code format}: a mistyped one would be ignored without a word. */
    private static void onlyFormat(String argument, String query) {
        if (query == null) {
            return;
        }
        for (String key : query(query).keySet()) {
            if (!key.equals("format")) {
                throw new IllegalArgumentException("--source " + argument + ": unknown parameter '" + key
                        + "'; the only one is ?format=lines|frames");
            }
        }
    }

    /** The {@code format} query parameter, lower case, or null. */
    private static String formatOf(String argument, String text) {
        int query = text.indexOf('?');
        if (query < 0) {
            return null;
        }
        String format = query(text.substring(query + 1)).get("format");
        if (format != null && format.isEmpty()) {
            throw new IllegalArgumentException("--source " + argument + ": format= needs a value");
        }
        return format == null ? null : format.toLowerCase(Locale.ROOT);
    }

    /** A query string's parameters, in order; later repeats win. */
    static Map<String, String> query(String query) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            parameters.put(equals < 0 ? pair : pair.substring(0, equals), equals < 0 ? "" : pair.substring(equals + 1));
        }
        return parameters;
    }

    /** The URI of a network source; for a relay, its address without the topic. */
    public URI uri() {
        if (kind == Kind.FANOUT) {
            int scheme = target.indexOf("://");
            String rest = target.substring(scheme + "://".length());
            return URI.create(target.substring(0, scheme).toLowerCase(Locale.ROOT) + "://"
                    + rest.substring(0, rest.indexOf('/')));
        }
        return URI.create(target);
    }
}
