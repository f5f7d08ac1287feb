package dev.fanout.cli;

import dev.fanout.client.ClientTls;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The TLS flags of the client commands (sub, pub, chat), as a picocli mixin. */
final class TlsClientFlags {

    @Option(names = "--tls",
            description = "Speak TLS, checking the server's certificate against the system's trust store (or "
                    + "--tls-ca) and the host name connected to.")
    private boolean tls;

    @Option(names = "--tls-ca", paramLabel = "FILE",
            description = "PEM certificates to check the server against instead of the system's trust store (for a "
                    + "self-signed server, its certificate). Implies --tls.")
    private Path ca;

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "A client certificate (PEM) to show a server that asks for one (mutual TLS), with "
                    + "--tls-key. Implies --tls.")
    private Path certificate;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "The client certificate's key (PEM, unencrypted).")
    private Path key;

    @Option(names = "--tls-insecure",
            description = "TLS without checking the server's certificate or name: for testing only, as anyone on the "
                    + "path can then read and change the traffic. Implies --tls.")
    private boolean insecure;

    /** The TLS these flags ask for, or null for plaintext. */
    ClientTls clientTls() {
        if (!tls && ca == null && certificate == null && key == null && !insecure) {
            return null;
        }
        if (insecure && ca != null) {
            throw new IllegalArgumentException("--tls-insecure checks no certificate, --tls-ca says which to trust; "
                    + "give one of them");
        }
        if ((certificate == null) != (key == null)) {
            throw new IllegalArgumentException(certificate == null ? "--tls-key needs --tls-cert, the certificate it "
                    + "is the key of" : "--tls-cert needs --tls-key, the certificate's private key");
        }
        ClientTls chosen = insecure ? ClientTls.insecure() : ca != null ? ClientTls.trusting(ca)
                : ClientTls.systemTrust();
        return certificate == null ? chosen : chosen.withCertificate(certificate, key);
    }
}
