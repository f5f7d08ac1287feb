package dev.fanout.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.fanout.server.FanoutServer;
import dev.fanout.server.ServerOptions;
import dev.fanout.server.session.CloseReason;
import dev.fanout.server.testing.LineClient;
import dev.fanout.server.testing.LogCapture;
import dev.fanout.server.testing.RawClient;
import dev.fanout.server.testing.TestServer;
import dev.fanout.server.testing.TestTls;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Set;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsIntegrationTest {

    @TempDir
    Path directory;
    private SelfSignedPair pair;
    private SSLContext trusting;

    @BeforeEach
    void makePair() {
        pair = TestTls.pair(directory.resolve("server"));
        trusting = TestTls.client(pair, null);
    }

    private TestServer start(UnaryOperator<TlsOptions> tls) {
        return start(tls, UnaryOperator.identity());
    }

    private TestServer start(UnaryOperator<TlsOptions> tls, UnaryOperator<ServerOptions.Builder> more) {
        TlsOptions options = tls.apply(TlsOptions.of(pair.certificate(), pair.key()));
        return TestServer.start(builder -> more.apply(builder.tls(options)));
    }

    private LineClient chat(TestServer server) throws IOException {
        return server.track(LineClient.over(TestTls.connect(trusting, server.lines(), "localhost")));
    }

    @Test
    void linesOverTls_greetAfterTheHandshake_andCarryChat() throws IOException {
        try (TestServer server = start(UnaryOperator.identity())) {
            LineClient alice = chat(server);
            alice.awaitLine(line -> line.contains("welcome to"));
            LineClient bob = chat(server);
            bob.awaitLine(line -> line.contains("welcome to"));
            alice.send("hello over TLS");
            assertThat(bob.awaitLine(line -> line.contains("hello over TLS"))).endsWith(": hello over TLS");
        }
    }

    @Test
    void httpOverTls_answersHttps_andRefusesPlainHttp() throws Exception {
        try (TestServer server = start(UnaryOperator.identity())) {
            java.net.http.HttpClient https = java.net.http.HttpClient.newBuilder().sslContext(trusting).build();
            java.net.http.HttpResponse<String> health = https.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("https://localhost:" + server.http().getPort() + "/health"))
                    .timeout(TestServer.PATIENCE).build(), java.net.http.HttpResponse.BodyHandlers.ofString());

            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\":\"ok\"");
            try (Socket plain = new Socket(server.http().getAddress(), server.http().getPort())) {
                plain.setSoTimeout((int) TestServer.PATIENCE.toMillis());
                plain.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(
                        StandardCharsets.US_ASCII));
                assertThat(new String(readToEnd(plain.getInputStream()), StandardCharsets.ISO_8859_1))
                        .doesNotContain("HTTP/1.1");
            }
            await().atMost(TestServer.PATIENCE).until(() ->
                    server.server().sessionStats().closes(CloseReason.NOT_TLS) == 1);
        }
    }

    @Test
    void httpMayStayPlaintext_besideTlsListeners() throws Exception {
        try (TestServer server = start(tls -> tls.withPlaintext(java.util.Set.of("http")))) {
            java.net.http.HttpResponse<String> health = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                            + server.http().getPort() + "/health")).timeout(TestServer.PATIENCE).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());

            assertThat(health.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void framesOverTls_carryRawFrames_checkedAgainstTheHostName() throws IOException {
        try (TestServer server = start(UnaryOperator.identity())) {
            RawClient reader = server.track(RawClient.over(TestTls.connect(trusting, server.frames(), "127.0.0.1")));
            RawClient writer = server.track(RawClient.over(TestTls.connect(trusting, server.frames(), "localhost")));
            server.awaitSessions(2);
            writer.send("over TLS");
            assertThat(reader.readText()).isEqualTo("over TLS");
            // The certificate names localhost and the loopback addresses, nothing else.
            assertThatThrownBy(() -> TestTls.connect(trusting, server.frames(), "example.com"))
                    .isInstanceOf(SSLException.class);
        }
    }

    @Test
    void aPlaintextClientOnATlsPort_getsNothingReadable_isClosed_counted_andLogged() throws IOException {
        try (LogCapture logs = LogCapture.of(ServerTls.class);
             TestServer server = start(UnaryOperator.identity());
             Socket plain = new Socket()) {
            plain.connect(server.lines(), 10_000);
            plain.setSoTimeout((int) TestServer.PATIENCE.toMillis());
            plain.getOutputStream().write("hello\r\n".getBytes(StandardCharsets.US_ASCII));
            String got = new String(readToEnd(plain.getInputStream()), StandardCharsets.ISO_8859_1);
            assertThat(got).doesNotContain("welcome").doesNotContain("fanout");
            await().atMost(TestServer.PATIENCE).until(() ->
                    server.server().sessionStats().closes(CloseReason.NOT_TLS) == 1);
            assertThat(server.server().sessionStats().accepted()).isZero();
            assertThat(logs.messages(Level.WARN)).anyMatch(line -> line.contains("not TLS")
                    && line.contains("lines listener"));
        }
    }

    @Test
    void aClientThatNeverFinishesTheHandshake_isClosedAtTheDeadline_andCounted() throws IOException {
        try (TestServer server = start(UnaryOperator.identity(),
                builder -> builder.handshakeTimeout(Duration.ofMillis(300)));
             Socket silent = new Socket()) {
            silent.connect(server.frames(), 10_000);
            silent.setSoTimeout((int) TestServer.PATIENCE.toMillis());
            // Half a ClientHello header: a TLS record that never completes.
            silent.getOutputStream().write(new byte[] {0x16, 0x03, 0x01});
            assertThat(readToEnd(silent.getInputStream())).isEmpty();
            await().atMost(TestServer.PATIENCE).until(() ->
                    server.server().sessionStats().closes(CloseReason.TLS_TIMEOUT) == 1);
        }
    }

    @Test
    void aRefusalForAFullServer_goesThroughTls() throws IOException {
        try (TestServer server = start(UnaryOperator.identity(), builder -> builder.maxClients(1))) {
            chat(server).awaitLine(line -> line.contains("welcome to"));
            LineClient refused = chat(server);
            assertThat(refused.awaitLine(line -> line.contains("server full"))).startsWith("*** ");
            refused.awaitLine(LineClient.END::equals);
        }
    }

    @Test
    void aFramesClientOverALimit_isResetAndCountedOnce_notAsAFailedHandshakeToo() throws IOException {
        try (LogCapture logs = LogCapture.of(ServerTls.class);
             TestServer server = start(UnaryOperator.identity(), builder -> builder.maxClients(1))) {
            server.track(RawClient.over(TestTls.connect(trusting, server.frames(), "localhost")));
            server.awaitSessions(1);
            assertThatThrownBy(() -> TestTls.connect(trusting, server.frames(), "localhost").getInputStream().read())
                    .isInstanceOf(IOException.class);
            await().atMost(TestServer.PATIENCE).until(() ->
                    server.server().sessionStats().closes(CloseReason.SERVER_FULL) == 1);
            assertThat(server.server().sessionStats().closes(CloseReason.TLS_FAILED)).isZero();
            assertThat(logs.messages(Level.WARN)).isEmpty();
        }
    }

    @Test
    void mutualTls_refusesAClientWithoutACertificate_andServesOneWithIt() throws IOException {
        SelfSignedPair client = TestTls.pair(directory.resolve("client"));
        try (TestServer server = start(tls -> tls.withClientCa(client.certificate()))) {
            // TLS 1.3 ends the handshake on the client's side before the server has checked: the refusal shows as
            // the connection ending at the first read.
            assertThatThrownBy(() -> {
                try (SSLSocket anonymous = TestTls.connect(trusting, server.lines(), "localhost")) {
                    assertThat(anonymous.getInputStream().read()).isEqualTo(-1);
                    throw new SSLException("closed");
                }
            }).isInstanceOf(IOException.class);
            await().atMost(TestServer.PATIENCE).until(() ->
                    server.server().sessionStats().closes(CloseReason.TLS_FAILED) == 1);
            LineClient known = server.track(LineClient.over(TestTls.connect(TestTls.client(pair, client),
                    server.lines(), "localhost")));
            known.awaitLine(line -> line.contains("welcome to"));
        }
    }

    @Test
    void changedFiles_areTakenForNewConnections_whileOpenOnesGoOn() throws IOException {
        try (LogCapture logs = LogCapture.of(ServerTls.class);
             TestServer server = start(UnaryOperator.identity())) {
            LineClient before = chat(server);
            before.awaitLine(line -> line.contains("welcome to"));
            Certificate first = peerCertificate(trusting, server.lines());

            SelfSignedPair renewed = TestTls.pair(directory.resolve("renewed"));
            Files.copy(renewed.certificate(), pair.certificate(), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(renewed.key(), pair.key(), StandardCopyOption.REPLACE_EXISTING);

            SSLContext trustingRenewed = TestTls.client(renewed, null);
            await().atMost(TestServer.PATIENCE).ignoreExceptions().until(() ->
                    !peerCertificate(trustingRenewed, server.lines()).equals(first));
            assertThat(logs.messages(Level.INFO)).anyMatch(line -> line.contains("TLS certificate reloaded"));
            LineClient after = server.track(LineClient.over(TestTls.connect(trustingRenewed, server.lines(),
                    "localhost")));
            after.awaitLine(line -> line.contains("welcome to"));
            before.send("still here");
            after.awaitLine(line -> line.contains("still here"));
        }
    }

    @Test
    void aReloadOfBrokenFiles_keepsTheCertificateInUse() throws IOException {
        try (LogCapture logs = LogCapture.of(ServerTls.class);
             TestServer server = start(UnaryOperator.identity())) {
            Files.writeString(pair.key(), "not a key");
            assertThat(server.server().reloadTls("test")).isFalse();
            assertThat(logs.messages(Level.WARN)).anyMatch(line -> line.contains("not reloaded")
                    && line.contains("--tls-key"));
            chat(server).awaitLine(line -> line.contains("welcome to"));
        }
    }

    @Test
    void aListenerKeptInPlaintext_servesPlainBesideTls() throws IOException {
        try (TestServer server = start(tls -> tls.withPlaintext(Set.of("lines")))) {
            // Greeted in clear: lineClient() waits for the greeting.
            server.lineClient();
            RawClient secure = server.track(RawClient.over(TestTls.connect(trusting, server.frames(), "localhost")));
            server.awaitSessions(2);
            assertThat(secure.socket().isConnected()).isTrue();
        }
    }

    @Test
    void aKeyThatIsNotTheCertificates_stopsTheStartAndSaysSo() {
        SelfSignedPair other = TestTls.pair(directory.resolve("other"));
        FanoutServer server = new FanoutServer(ServerOptions.builder().framesPort(0).linesPort(0).httpPort(0)
                .tls(TlsOptions.of(pair.certificate(), other.key())).build());
        assertThatThrownBy(server::start).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not the key of the certificate");
        FanoutServer swapped = new FanoutServer(ServerOptions.builder().framesPort(0).linesPort(0).httpPort(0)
                .tls(TlsOptions.of(pair.certificate(), pair.certificate())).build());
        assertThatThrownBy(swapped::start).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("swapped");
    }

    private static Certificate peerCertificate(SSLContext context, InetSocketAddress address) throws IOException {
        try (SSLSocket socket = TestTls.connect(context, address, "localhost")) {
            return socket.getSession().getPeerCertificates()[0];
        }
    }

    /** Everything the server sends until it closes; fails if it does not close within the patience. */
    private static byte[] readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not close the connection", e);
        } catch (IOException e) {
            // A reset ends it too.
        }
        return out.toByteArray();
    }
}
