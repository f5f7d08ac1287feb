package dev.fanout.source;

import dev.fanout.server.source.Source;
import java.io.InputStream;
import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Makes the source a {@link SourceSpec} names. */
public final class Sources {

    private Sources() {
    }

    /**
     * The source {@code spec} names, not started: hand it to the server's {@code startSource}.
     *
     * @param defaultTopic what a source without a topic of its own feeds
     * @param stdin        what {@code stdin} reads
     * @throws IllegalArgumentException if the spec's format does not fit its kind
     */
    public static Source create(SourceSpec spec, SourceSettings settings, String defaultTopic, InputStream stdin) {
        Upstream upstream;
        try {
            upstream = upstream(spec, settings, stdin);
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            throw new IllegalArgumentException(message.startsWith("--") ? message
                    : "--source " + spec.text() + ": " + message, e);
        }
        if (spec.kind() == SourceSpec.Kind.FANOUT) {
            // A relay keeps its upstream's topic names: it feeds what its filter covers.
            return new SupervisedSource(upstream, upstream.describe(), spec.relayFilter(), "relay", settings, true);
        }
        String topic = spec.topic() != null ? spec.topic() : defaultTopic;
        String describe = spec.topic() == null ? upstream.describe() : spec.topic() + "=" + upstream.describe();
        return new SupervisedSource(upstream, describe, topic, spec.kind().name().toLowerCase(Locale.ROOT),
                settings);
    }

    /** The address without fanout's own {@code format} parameter: the upstream never sees it. */
    static URI withoutFormat(URI uri) {
        String query = uri.getRawQuery();
        if (query == null) {
            return uri;
        }
        String kept = Arrays.stream(query.split("&")).filter(p -> !p.startsWith("format="))
                .collect(Collectors.joining("&"));
        String text = uri.toString();
        String base = text.substring(0, text.indexOf('?'));
        String fragment = uri.getRawFragment() == null ? "" : "#" + uri.getRawFragment();
        return URI.create(kept.isEmpty() ? base + fragment : base + "?" + kept + fragment);
    }

    private static Upstream upstream(SourceSpec spec, SourceSettings settings, InputStream stdin) {
        StreamFormat format = spec.format() == null ? settings.lineFormat() : StreamFormat.of(spec.format());
        return switch (spec.kind()) {
            case STDIN -> new StdinUpstream(stdin, format);
            case TCP -> new TcpUpstream(spec.uri(), format, settings);
            case EXEC -> new ExecUpstream(spec.target(), format);
            case HTTP -> new HttpUpstream(withoutFormat(spec.uri()), spec.format() == null ? null : format,
                    settings);
            case FANOUT -> new RelayUpstream(spec.uri(), spec.relayFilter(), settings);
        };
    }
}
