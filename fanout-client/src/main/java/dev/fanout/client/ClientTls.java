package dev.fanout.client;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * TLS as a client speaks it: TLS 1.3 or 1.2, the server's certificate checked against the system's trust store or
 * the CA certificates given, and the host name connected to checked against the certificate's names, as a browser
 * does. {@link #insecure()} checks neither, for testing only, and says so in the log each time one is made.
 * Immutable; one may serve any number of connections.
 */
public final class ClientTls {

    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final SslContext context;
    /** The certificates the server is checked against, or null for the system's trust store. */
    private final Path ca;
    private final boolean insecure;
    private final String describe;

    private ClientTls(SslContext context, Path ca, boolean insecure, String describe) {
        this.context = context;
        this.ca = ca;
        this.insecure = insecure;
        this.describe = describe;
    }

    /** Checks the server against the JVM's trust store (the public CAs), as HTTPS clients do. */
    public static ClientTls systemTrust() {
        return build(null, false, null, null, "TLS, the server checked against the system's trust store");
    }

    /**
     * Checks the server against the PEM certificates in {@code caFile} alone: a private CA, or a self-signed
     * server certificate itself.
     *
     * @throws IllegalArgumentException if the file cannot be read or holds no certificate
     */
    public static ClientTls trusting(Path caFile) {
        if (!Files.isReadable(caFile)) {
            throw new IllegalArgumentException(caFile + " cannot be read; give a PEM file of the certificates to "
                    + "trust (for a self-signed server, its certificate)");
        }
        return build(caFile, false, null, null, "TLS, the server checked against " + caFile);
    }

    /**
     * Checks nothing: any certificate, any name. Anyone on the path can read and change the traffic; for tests
     * against a server whose certificate is not at hand. Logs a warning.
     */
    public static ClientTls insecure() {
        ClientLog.LOG.log(Level.WARNING, "TLS without checking the server's certificate (insecure): anyone on the "
                + "path can read and change the traffic; for testing only");
        return build(null, true, null, null, "TLS, the server NOT checked (insecure)");
    }

    /** The same, showing {@code certificate} (PEM, with its chain) and its {@code key} to a server that asks. */
    public ClientTls withCertificate(Path certificate, Path key) {
        return build(ca, insecure, certificate, key, describe + ", showing the certificate " + certificate);
    }

    private static ClientTls build(Path ca, boolean insecure, Path certificate, Path key, String describe) {
        SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(SslProvider.JDK).protocols(PROTOCOLS);
        if (insecure) {
            builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
        } else if (ca != null) {
            try {
                builder.trustManager(ca.toFile());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(ca + " holds no PEM certificate (" + e.getMessage()
                        + "); give certificates from -----BEGIN CERTIFICATE----- on", e);
            }
        }
        if (certificate != null) {
            try {
                builder.keyManager(certificate.toFile(), key.toFile());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(certificate + " and " + key + " are not a PEM certificate and "
                        + "its unencrypted key (" + e.getMessage() + ")", e);
            }
        }
        try {
            return new ClientTls(builder.build(), ca, insecure, describe);
        } catch (SSLException e) {
            throw new IllegalArgumentException("TLS cannot be set up: " + e.getMessage(), e);
        }
    }

    /** Whether the server's certificate goes unchecked. */
    public boolean isInsecure() {
        return insecure;
    }

    /** For Netty: a handler for a connection to {@code host} (the name the certificate must carry). */
    public SslHandler newHandler(ByteBufAllocator alloc, String host, int port) {
        SslHandler handler = context.newHandler(alloc, host, port);
        checkHostName(handler.engine());
        return handler;
    }

    /**
     * For a blocking socket: TLS over {@code plain}, already connected to {@code host}, with the handshake done.
     *
     * @throws IOException if the handshake fails; {@link #explain} says why in plain words
     */
    public SSLSocket wrap(Socket plain, String host, int port) throws IOException {
        SSLSocket socket = (SSLSocket) ((JdkSslContext) context).context().getSocketFactory()
                .createSocket(plain, host, port, true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setProtocols(PROTOCOLS);
        if (!insecure) {
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
        }
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    private void checkHostName(SSLEngine engine) {
        if (!insecure) {
            SSLParameters parameters = engine.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            engine.setSSLParameters(parameters);
        }
    }

    /** Why a connection closed during its TLS handshake with no error of its own, in words that say what to do. */
    static final String CLOSED_DURING_HANDSHAKE = "the server closed the connection during the handshake: it may not "
            + "speak TLS on this port, or it refused this client (its log says why)";

    /**
     * Why a TLS handshake failed, in words that say what to do: a certificate not trusted, one for another name, a
     * server that does not speak TLS there. Null if {@code failure} is not a TLS failure.
     */
    public static String explain(Throwable failure) {
        SSLException tls = null;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SSLException found) {
                tls = found;
            }
            if (t instanceof CertificateException && String.valueOf(t.getMessage()).contains("No subject alternative")
                    || String.valueOf(t.getMessage()).contains("No name matching")) {
                return "the server's certificate is not for the name connected to (" + t.getMessage() + "): "
                        + "connect by a name the certificate has";
            }
        }
        if (tls == null) {
            return null;
        }
        String text = String.valueOf(tls.getMessage());
        if (text.contains("PKIX") || text.contains("unable to find valid certification path")) {
            return "the server's certificate is not trusted: give the certificate of its CA, or for a self-signed "
                    + "server the certificate itself (--tls-ca FILE; for a source or relay, --source-ca FILE)";
        }
        if (text.contains("Unsupported or unrecognized SSL message") || text.contains("plaintext")) {
            return "the server does not speak TLS on this port: connect without TLS, or to its TLS port";
        }
        if (text.contains("terminated the handshake") || text.contains("closed")) {
            return CLOSED_DURING_HANDSHAKE;
        }
        if (text.contains("certificate_required") || text.contains("bad_certificate")) {
            return "the server wants a client certificate it trusts: give one with --tls-cert and --tls-key (" + text
                    + ")";
        }
        return text;
    }

    @Override
    public String toString() {
        return describe;
    }
}
