package dev.fanout.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fanout.server.testing.TestServer;
import dev.fanout.server.testing.TestTls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server's TLS as OpenSSL's own client sees it ({@code openssl}, which ./test installs when missing). */
class OpensslClientTest {

    @TempDir
    Path directory;

    /** What {@code openssl s_client} printed, and how it exited. */
    private record Run(int exit, String output) {
    }

    private static Run sClient(int port, String input, String... extra) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
                "-servername", "localhost", "-quiet"));
        command.addAll(List.of(extra));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
        if (!process.waitFor(TestServer.PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("openssl s_client did not end");
        }
        return new Run(process.exitValue(), new String(process.getInputStream().readAllBytes(),
                StandardCharsets.UTF_8));
    }

    @Test
    void opensslChecksTheCertificateAndTheHostName_thenChats() throws Exception {
        var pair = TestTls.pair(directory);
        try (TestServer server = TestServer.start(builder -> builder.tls(TlsOptions.of(pair.certificate(),
                pair.key())))) {
            Run run = sClient(server.lines().getPort(), "/quit\n", "-CAfile", pair.certificate().toString(),
                    "-verify_hostname", "localhost", "-verify_return_error");
            assertThat(run.output()).contains("welcome to").contains("verify return:1");
            assertThat(run.exit()).isZero();
        }
    }

    @Test
    void opensslRefusesTheCertificateForAnotherName() throws Exception {
        var pair = TestTls.pair(directory);
        try (TestServer server = TestServer.start(builder -> builder.tls(TlsOptions.of(pair.certificate(),
                pair.key())))) {
            Run run = sClient(server.lines().getPort(), "/quit\n", "-CAfile", pair.certificate().toString(),
                    "-verify_hostname", "fanout.example.com", "-verify_return_error");
            assertThat(run.output()).doesNotContain("welcome to").contains("hostname mismatch");
            assertThat(run.exit()).isNotZero();
        }
    }

    @Test
    void tls11IsRefusedByTheServer() throws Exception {
        var pair = TestTls.pair(directory);
        try (TestServer server = TestServer.start(builder -> builder.tls(TlsOptions.of(pair.certificate(),
                pair.key())))) {
            // The client is let offer TLS 1.1 (OpenSSL's own defaults no longer would): the server says no.
            Run run = sClient(server.lines().getPort(), "/quit\n", "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0");
            assertThat(run.output()).doesNotContain("welcome to").contains("alert protocol version");
            assertThat(run.exit()).isNotZero();
        }
    }
}
