package dev.fanout.server.tls;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;

/**
 * TLS for the server's listeners, as {@code fanout serve} is told it ({@code --tls-cert}, {@code --tls-key},
 * {@code --tls-client-ca}, {@code --plaintext}); the handshake's deadline is a limit of its own
 * ({@code --handshake-timeout}).
 *
 * @param certificate      PEM certificate chain, the server's own first
 * @param key              the certificate's private key, PEM, unencrypted (PKCS#8, PKCS#1 or SEC1)
 * @param clientCa         PEM certificates a client's certificate must chain to (mutual TLS), or null to ask none
 * @param plaintext        listeners kept in plaintext beside the TLS ones ({@code frames}, {@code lines},
 *                         {@code http})
 */
public record TlsOptions(Path certificate, Path key, Path clientCa, Set<String> plaintext) {

    /** The listeners {@link #plaintext} may name. */
    public static final Set<String> LISTENERS = Set.of("frames", "lines", "http");
    public TlsOptions {
        Objects.requireNonNull(certificate, "--tls-cert");
        Objects.requireNonNull(key, "--tls-key");
        plaintext = Set.copyOf(plaintext);
        for (String listener : plaintext) {
            if (!LISTENERS.contains(listener)) {
                throw new IllegalArgumentException("--plaintext " + listener + ": name a listener: frames, lines or "
                        + "http");
            }
        }
        if (plaintext.containsAll(LISTENERS)) {
            throw new IllegalArgumentException("--plaintext names every listener: leave out --tls-cert and --tls-key "
                    + "to serve without TLS, or keep one listener on TLS");
        }
    }

    /** TLS from {@code certificate} and {@code key} on every listener, with no client certificate asked. */
    public static TlsOptions of(Path certificate, Path key) {
        return new TlsOptions(certificate, key, null, Set.of());
    }

    /** These options with client certificates checked against {@code value} (mutual TLS). */
    public TlsOptions withClientCa(Path value) {
        return new TlsOptions(certificate, key, value, plaintext);
    }

    /** These options with {@code listeners} kept in plaintext. */
    public TlsOptions withPlaintext(Set<String> listeners) {
        return new TlsOptions(certificate, key, clientCa, listeners);
    }

    /** Whether {@code listener} ({@code frames}, {@code lines}, {@code http}) speaks TLS. */
    public boolean covers(String listener) {
        return !plaintext.contains(listener);
    }
}
