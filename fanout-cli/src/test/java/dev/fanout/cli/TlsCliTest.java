package dev.fanout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fanout.server.testing.LineClient;
import dev.fanout.server.testing.TestTls;
import dev.fanout.server.tls.SelfSignedPair;
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
        try (CliProcess serve = CliProcess.start("serve", "--port", "0", "--lines-port", "0", "--no-console",
                "--tls-key", directory.resolve("key.pem").toString())) {
            assertThat(serve.awaitExit()).isEqualTo(1);
            assertThat(String.join("\n", serve.stderr())).contains("--tls-key needs --tls-cert");
        }
    }
}
