package dev.fanout.source;

import dev.fanout.client.ReconnectOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How every source of a server connects and reconnects: {@code serve}'s {@code --source-*} flags.
 *
 * @param backoff        the waits between attempts (forever: {@code maxAttempts} is ignored)
 * @param idleTimeout    an upstream silent this long is dropped and reconnected; zero: never
 * @param connectTimeout the most a connection attempt may take
 * @param lineFormat     how stdin, TCP and command sources cut their bytes when their argument does not say
 * @param headers        sent with every HTTP request; never logged
 * @param bearerToken    sent as {@code Authorization: Bearer} to HTTP upstreams, or null; never logged
 * @param trustedCerts   a PEM file of the certificates HTTPS upstreams are checked against instead of the JVM's
 *                       trust store, or null
 */
public record SourceSettings(ReconnectOptions backoff, Duration idleTimeout, Duration connectTimeout,
                             StreamFormat lineFormat, Map<String, String> headers, String bearerToken,
                             Path trustedCerts) {

    /** From 500 ms, doubling up to 30 s, give or take 20 %, forever. */
    public static final ReconnectOptions DEFAULT_BACKOFF =
            new ReconnectOptions(0, Duration.ofMillis(500), Duration.ofSeconds(30), 2.0, 0.2);
    /** Default connect timeout: 10 s. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Defaults: the backoff above, no idle timeout, lines. */
    public static final SourceSettings DEFAULTS = new SourceSettings(DEFAULT_BACKOFF, Duration.ZERO,
            DEFAULT_CONNECT_TIMEOUT, StreamFormat.LINES, Map.of(), null, null);

    /** Checks the values. */
    public SourceSettings {
        Objects.requireNonNull(backoff, "backoff");
        if (idleTimeout.isNegative()) {
            throw new IllegalArgumentException("--source-idle-timeout (" + idleTimeout.toMillis()
                    + " ms) must not be negative; 0 turns it off");
        }
        if (connectTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("--source-connect-timeout must be at least 1 ms");
        }
        headers = Map.copyOf(headers);
    }

    /** A copy with another idle timeout. */
    public SourceSettings withIdleTimeout(Duration value) {
        return new SourceSettings(backoff, value, connectTimeout, lineFormat, headers, bearerToken, trustedCerts);
    }

    /** A copy with another backoff. */
    public SourceSettings withBackoff(ReconnectOptions value) {
        return new SourceSettings(value, idleTimeout, connectTimeout, lineFormat, headers, bearerToken,
                trustedCerts);
    }

    /** A copy with these HTTP headers and bearer token. */
    public SourceSettings withHttp(Map<String, String> values, String token) {
        return new SourceSettings(backoff, idleTimeout, connectTimeout, lineFormat, values, token, trustedCerts);
    }

    /** A copy that cuts stdin, TCP and command output this way unless told otherwise. */
    public SourceSettings withLineFormat(StreamFormat value) {
        return new SourceSettings(backoff, idleTimeout, connectTimeout, value, headers, bearerToken, trustedCerts);
    }

    /** A copy that checks HTTPS upstreams against the certificates in {@code pemFile}. */
    public SourceSettings withTrustedCerts(Path pemFile) {
        return new SourceSettings(backoff, idleTimeout, connectTimeout, lineFormat, headers, bearerToken, pemFile);
    }

    @Override
    public String toString() {
        // The record's own would print the token and the headers' values.
        return "SourceSettings[backoff=" + backoff + ", idleTimeout=" + idleTimeout + ", connectTimeout="
                + connectTimeout + ", lineFormat=" + lineFormat + ", headers=" + headers.keySet() + ", bearerToken="
                + (bearerToken == null ? "none" : "(set)") + ", trustedCerts=" + trustedCerts + "]";
    }
}
