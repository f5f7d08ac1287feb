package dev.fanout.client;

import static dev.fanout.client.Clients.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.fanout.server.session.CloseReason;
import dev.fanout.server.testing.TestServer;
import dev.fanout.server.testing.TestTls;
import dev.fanout.server.tls.SelfSignedPair;
import dev.fanout.server.tls.TlsOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The library over TLS against a real TLS server: checked certificates and names, refusals in plain words. */
class TlsClientTest {

    @TempDir
    Path directory;

    private TestServer tlsServer(SelfSignedPair pair) {
        return TestServer.start(builder -> builder.tls(TlsOptions.of(pair.certificate(), pair.key())));
    }

    private static ClientOptions.Builder options(TestServer server, String host, ClientTls tls) {
        return Clients.options(server.frames()).address(host, server.frames().getPort()).tls(tls);
    }

    @Test
    void publishAndSubscribe_overTls_checkedAgainstTheGivenCa() {
        SelfSignedPair pair = TestTls.pair(directory);
        try (TestServer server = tlsServer(pair); Clients clients = new Clients()) {
            ClientTls tls = ClientTls.trusting(pair.certificate());
            FanoutClient reader = clients.connect(options(server, "localhost", tls));
            FanoutClient writer = clients.connect(options(server, "127.0.0.1", tls));
            List<Message> got = new CopyOnWriteArrayList<>();
            reader.subscribe("news", got::add).subscribed().join();
            assertThat(writer.publishAcked("news", utf8("over TLS")).join().sequence()).isEqualTo(1);
            await().until(() -> got.size() == 1);
            assertThat(got.get(0).text()).isEqualTo("over TLS");
        }
    }

    @Test
    void anUntrustedCertificate_isRefusedSayingSo() {
        SelfSignedPair pair = TestTls.pair(directory);
        try (TestServer server = tlsServer(pair)) {
            assertThatThrownBy(() -> FanoutClient.connect(options(server, "localhost", ClientTls.systemTrust())
                    .build()).close())
                    .isInstanceOf(FanoutException.class)
                    .hasMessageContaining("TLS with localhost:" + server.frames().getPort() + " failed")
                    .hasMessageContaining("certificate is not trusted");
        }
    }

    @Test
    void aCertificateForAnotherName_isRefusedSayingSo() {
        SelfSignedPair elsewhere = SelfSignedPair.write(directory, "elsewhere", List.of("elsewhere.example"),
                Duration.ofDays(1));
        try (TestServer server = tlsServer(elsewhere)) {
            assertThatThrownBy(() -> FanoutClient.connect(options(server, "127.0.0.1",
                    ClientTls.trusting(elsewhere.certificate())).build()).close())
                    .isInstanceOf(FanoutException.class)
                    .hasMessageContaining("not for the name connected to");
        }
    }

    @Test
    void insecure_connectsWithoutChecking() {
        SelfSignedPair pair = TestTls.pair(directory);
        try (TestServer server = tlsServer(pair); Clients clients = new Clients()) {
            ClientTls insecure = ClientTls.insecure();
            assertThat(insecure.isInsecure()).isTrue();
            FanoutClient client = clients.connect(options(server, "127.0.0.1", insecure));
            assertThat(client.publishAcked("t", utf8("x")).join().sequence()).isEqualTo(1);
        }
    }

    @Test
    void tlsToAPlaintextServer_failsSayingSo() {
        SelfSignedPair pair = TestTls.pair(directory);
        try (TestServer server = TestServer.start()) {
            assertThatThrownBy(() -> FanoutClient.connect(options(server, "127.0.0.1",
                    ClientTls.trusting(pair.certificate())).build()).close())
                    .isInstanceOf(FanoutException.class)
                    .hasMessageContaining("TLS with 127.0.0.1:" + server.frames().getPort() + " failed");
        }
    }

    @Test
    void mutualTls_theClientShowsItsCertificate() {
        SelfSignedPair pair = TestTls.pair(directory.resolve("server"));
        SelfSignedPair mine = TestTls.pair(directory.resolve("client"));
        try (TestServer server = TestServer.start(builder -> builder.tls(TlsOptions.of(pair.certificate(),
                pair.key()).withClientCa(mine.certificate()))); Clients clients = new Clients()) {
            FanoutClient known = clients.connect(options(server, "localhost",
                    ClientTls.trusting(pair.certificate()).withCertificate(mine.certificate(), mine.key())));
            assertThat(known.publishAcked("t", utf8("x")).join().sequence()).isEqualTo(1);
            assertThatThrownBy(() -> FanoutClient.connect(options(server, "localhost",
                    ClientTls.trusting(pair.certificate())).build()).close())
                    .isInstanceOf(FanoutException.class);
            await().until(() -> server.server().sessionStats().closes(CloseReason.TLS_FAILED) >= 1);
        }
    }
}
