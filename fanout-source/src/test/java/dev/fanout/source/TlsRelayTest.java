package dev.fanout.source;

import static dev.fanout.source.SourceTesting.QUICK;
import static dev.fanout.source.SourceTesting.startSource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.fanout.client.ClientOptions;
import dev.fanout.client.ClientTls;
import dev.fanout.client.FanoutClient;
import dev.fanout.server.source.Source;
import dev.fanout.server.source.SourceState;
import dev.fanout.server.testing.LogCapture;
import dev.fanout.server.testing.TestServer;
import dev.fanout.server.testing.TestTls;
import dev.fanout.server.tls.SelfSignedPair;
import dev.fanout.server.tls.TlsOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A relay of a TLS server: {@code fanouts://}, checked against {@code --source-ca}. */
class TlsRelayTest {

    @TempDir
    Path directory;

    @Test
    void fanoutsRelay_mirrorsATlsUpstream_checkedAgainstTheSourceCa() {
        SelfSignedPair pair = TestTls.pair(directory);
        try (TestServer origin = TestServer.start(builder -> builder.tls(TlsOptions.of(pair.certificate(),
                pair.key())));
             TestServer relay = TestServer.start();
             FanoutClient publisher = FanoutClient.connect(ClientOptions.builder()
                     .address("localhost", origin.frames().getPort()).tls(ClientTls.trusting(pair.certificate()))
                     .build())) {
            publisher.publishAcked("news", "over TLS".getBytes(StandardCharsets.UTF_8)).join();
            Source source = startSource(relay, "fanouts://localhost:" + origin.frames().getPort() + "/news",
                    QUICK.withTrustedCerts(pair.certificate()));
            await().until(() -> source.status().messages() == 1);
            assertThat(source.describe()).startsWith("fanouts://localhost:");
            assertThat(relay.server().hub().find("news").lastSequence()).isEqualTo(1);
        }
    }

    @Test
    void fanoutsRelay_toAnUntrustedUpstream_saysWhy() {
        SelfSignedPair pair = TestTls.pair(directory);
        try (TestServer origin = TestServer.start(builder -> builder.tls(TlsOptions.of(pair.certificate(),
                pair.key())));
             TestServer relay = TestServer.start();
             LogCapture logs = LogCapture.of(SupervisedSource.class)) {
            Source source = startSource(relay, "fanouts://127.0.0.1:" + origin.frames().getPort() + "/news", QUICK);
            await().until(() -> logs.messages(Level.WARN).stream().anyMatch(line -> line.contains("not trusted")
                    && line.contains("--source-ca")));
            assertThat(source.status().state()).isNotEqualTo(SourceState.CONNECTED);
        }
    }
}
