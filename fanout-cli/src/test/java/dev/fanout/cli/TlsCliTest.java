package dev.fanout.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.server.testing.LineClient;
import dev.fanout.server.testing.TestServer;
import dev.fanout.server.testing.TestTls;
import dev.fanout.server.tls.SelfSignedPair;
import dev.fanout.server.tls.TlsOptions;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fanout cert}, and {@code fanout serve} over TLS, as processes. */
class TlsCliTest {

    private static final Pattern LINES = Pattern.compile("lines listener on 127\\.0\\.0\\.1:(\\d+) \\(TLS\\)");

    @TempDir
    Path directory;

    @Test
    void cert_makesAPairThatServeTakes_andSighupReloadsIt() throws Exception {
        Path out = directory.resolve("tls");
        try (CliProcess cert = CliProcess.start("cert", "--out", out.toString())) {
            assertThat(cert.awaitExit()).isZero();
            assertThat(cert.stdout()).anyMatch(line -> line.contains("cert.pem") && line.contains("localhost"));
        }
        SelfSignedPair pair = new SelfSignedPair(out.resolve("cert.pem"), out.resolve("key.pem"));
        assertThat(Files.getPosixFilePermissions(pair.key())).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        try (CliProcess serve = CliProcess.start("serve", "--host", "127.0.0.1", "--port", "0", "--lines-port", "0",
                "--http-port", "0",
                "--no-console", "--tls-cert", pair.certificate().toString(), "--tls-key", pair.key().toString())) {
            Matcher matcher = LINES.matcher(serve.awaitStderr(line -> LINES.matcher(line).find()));
            assertThat(matcher.find()).isTrue();
            serve.awaitStderr(line -> line.contains("TLS 1.3 and 1.2 by"));
            serve.awaitStderr(line -> line.contains("ready"));
            try (LineClient person = LineClient.over(TestTls.connect(TestTls.client(pair, null),
                    new InetSocketAddress("127.0.0.1", Integer.parseInt(matcher.group(1))), "localhost"))) {
                person.awaitLine(line -> line.contains("welcome to"));
            }
            Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(serve.pid())).start();
            assertThat(kill.waitFor()).isZero();
            serve.awaitStderr(line -> line.contains("TLS certificate reloaded (SIGHUP)"));
        }
    }

    @Test
    void subPubAndChat_overTls_toATopic_inRawMode_andInChat() throws Exception {
        SelfSignedPair pair = TestTls.pair(directory);
        String ca = pair.certificate().toString();
        try (TestServer server = TestServer.start(builder -> builder.tls(TlsOptions.of(pair.certificate(),
                pair.key())))) {
            String frames = "localhost:" + server.frames().getPort();
            try (CliProcess pub = CliProcess.start("pub", frames, "--tls-ca", ca, "--topic", "news")) {
                pub.feed("over TLS\n");
                assertThat(pub.awaitExit()).as("pub; stderr %s", pub.stderr()).isZero();
            }
            try (CliProcess sub = CliProcess.start("sub", frames, "--tls-ca", ca, "--topic", "news", "--from", "1",
                    "--count", "1")) {
                assertThat(sub.awaitExit()).as("sub; stderr %s", sub.stderr()).isZero();
                assertThat(sub.stdout()).containsExactly("over TLS");
            }
            try (CliProcess sub = CliProcess.start("sub", frames, "--tls-ca", ca, "--count", "1")) {
                await().until(() -> server.server().hub().find("lobby").subscriberCount() == 1);
                try (CliProcess pub = CliProcess.start("pub", frames, "--tls-ca", ca)) {
                    pub.feed("raw over TLS\n");
                    assertThat(pub.awaitExit()).as("pub; stderr %s", pub.stderr()).isZero();
                }
                assertThat(sub.awaitExit()).as("sub; stderr %s", sub.stderr()).isZero();
                assertThat(sub.stdout()).containsExactly("raw over TLS");
            }
            try (CliProcess chat = CliProcess.start("chat", "localhost:" + server.lines().getPort(), "--tls-ca", ca)) {
                chat.feed("/quit\n");
                assertThat(chat.awaitExit()).as("chat; stderr %s", chat.stderr()).isZero();
                assertThat(chat.stdout()).anyMatch(line -> line.contains("welcome to"));
            }
        }
    }

    @Test
    void aServerWhoseCertificateIsNotTrusted_isRefusedSayingWhatToGive() throws Exception {
        SelfSignedPair pair = TestTls.pair(directory);
        try (TestServer server = TestServer.start(builder -> builder.tls(TlsOptions.of(pair.certificate(),
                pair.key())))) {
            String frames = "127.0.0.1:" + server.frames().getPort();
            try (CliProcess sub = CliProcess.start("sub", frames, "--tls")) {
                assertThat(sub.awaitExit()).isEqualTo(1);
                assertThat(String.join("\n", sub.stderr())).contains("TLS with " + frames + " failed")
                        .contains("not trusted").contains("--tls-ca");
            }
            try (CliProcess sub = CliProcess.start("sub", frames, "--tls", "--topic", "t")) {
                assertThat(sub.awaitExit()).isEqualTo(1);
                assertThat(String.join("\n", sub.stderr())).contains("not trusted");
            }
            // Without TLS at all: the server resets a plaintext client, so a raw publisher knows nothing arrived.
            try (CliProcess pub = CliProcess.start("pub", frames)) {
                pub.feed("in clear\n");
                assertThat(pub.awaitExit()).as("pub; stderr %s", pub.stderr()).isEqualTo(1);
            }
        }
    }

    @Test
    void cert_keepsFilesThatAreThere() throws Exception {
        Files.writeString(directory.resolve("cert.pem"), "mine");
        try (CliProcess cert = CliProcess.start("cert", "--out", directory.toString())) {
            assertThat(cert.awaitExit()).isEqualTo(1);
            assertThat(String.join("\n", cert.stderr())).contains("exists already");
        }
        assertThat(Files.readString(directory.resolve("cert.pem"))).isEqualTo("mine");
    }

    @Test
    void serve_withAKeyButNoCertificate_saysWhatIsMissing() throws Exception {
        try (CliProcess serve = CliProcess.start("serve", "--port", "0", "--lines-port", "0",
                "--http-port", "0", "--no-console",
                "--tls-key", directory.resolve("key.pem").toString())) {
            assertThat(serve.awaitExit()).isEqualTo(1);
            assertThat(String.join("\n", serve.stderr())).contains("--tls-key needs --tls-cert");
        }
    }
}
