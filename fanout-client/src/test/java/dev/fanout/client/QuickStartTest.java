package dev.fanout.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fanout.client.example.QuickStart;
import dev.fanout.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The example of docs/client.md is this module's QuickStart, word for word, and it runs. */
class QuickStartTest {

    @Test
    void docExample_isQuickStartWordForWord() throws Exception {
        // Surefire runs in the module's directory.
        Path root = Path.of("").toAbsolutePath().getParent();
        String doc = Files.readString(root.resolve("docs/client.md"), StandardCharsets.UTF_8);
        String source = Files.readString(root.resolve(
                "fanout-client/src/test/java/dev/fanout/client/example/QuickStart.java"), StandardCharsets.UTF_8);
        // The file has a package to be compiled here; the doc's copy has none, to paste anywhere.
        String body = source.substring(source.indexOf("import "));
        assertThat(body).contains("public class QuickStart");
        assertThat(doc).contains(body);
    }

    @Test
    void quickStart_runsAgainstARealServer() throws Exception {
        try (TestServer server = TestServer.start()) {
            QuickStart.main(new String[] {"127.0.0.1", Integer.toString(server.frames().getPort())});
            assertThat(server.server().hub().find("prices.eur").lastSequence()).isEqualTo(2);
            assertThat(server.server().hub().find("prices.usd").lastSequence()).isEqualTo(1);
        }
    }
}
