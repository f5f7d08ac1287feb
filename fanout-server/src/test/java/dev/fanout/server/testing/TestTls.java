package dev.fanout.server.testing;

import dev.fanout.server.tls.SelfSignedPair;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/** TLS for tests: self-signed pairs made with the server's own maker, and JDK clients that check them. */
public final class TestTls {

    private TestTls() {
    }

    /** A pair for this machine's names (localhost, 127.0.0.1, ::1), valid for a day, in {@code directory}. */
    public static SelfSignedPair pair(Path directory) {
        return SelfSignedPair.write(directory, "fanout test", SelfSignedPair.LOCAL_NAMES, Duration.ofDays(1));
    }

    /** A client context that trusts {@code trusted}'s certificate alone and, if given, shows {@code own}. */
    public static SSLContext client(SelfSignedPair trusted, SelfSignedPair own) {
        try {
            SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                    .trustManager(trusted.certificate().toFile());
            if (own != null) {
                builder.keyManager(own.certificate().toFile(), own.key().toFile());
            }
            return ((JdkSslContext) builder.build()).context();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Connects with TLS to {@code address}, checking that the certificate names {@code host} as a browser would, and
     * finishes the handshake.
     */
    public static SSLSocket connect(SSLContext context, InetSocketAddress address, String host) throws IOException {
        Socket plain = new Socket();
        plain.connect(address, 10_000);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, host, address.getPort(), true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        socket.setSoTimeout((int) TestServer.PATIENCE.toMillis());
        socket.startHandshake();
        return socket;
    }
}
