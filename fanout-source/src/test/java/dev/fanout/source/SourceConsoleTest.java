package dev.fanout.source;

import static dev.fanout.source.SourceTesting.QUICK;
import static dev.fanout.source.SourceTesting.startSource;
import static dev.fanout.source.SourceTesting.writeFrame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.server.console.OperatorConsole;
import dev.fanout.server.source.Source;
import dev.fanout.server.testing.TestServer;
import java.io.BufferedReader;
import java.io.DataOutputStream;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The operator sees each source's state in {@code /sources} and a summary in {@code /stats}. */
class SourceConsoleTest {

    private static List<String> run(TestServer server, String command) {
        StringWriter output = new StringWriter();
        new OperatorConsole(server.server(), new BufferedReader(new StringReader("")), new PrintWriter(output),
                () -> { }).execute(command);
        return output.toString().lines().toList();
    }

    @Test
    void sources_showEachSourcesStateMessagesAndConnections() throws Exception {
        try (UpstreamServer upstream = UpstreamServer.start(connection -> {
                DataOutputStream out = new DataOutputStream(connection.getOutputStream());
                writeFrame(out, "one");
                writeFrame(out, "two");
                connection.getInputStream().read();
            });
             TestServer server = TestServer.start()) {
            Source connected = startSource(server, "prices=" + upstream.tcp() + "?format=frames", QUICK);
            startSource(server, "news=tcp://127.0.0.1:1", QUICK);
            await().until(() -> connected.status().messages() == 2);

            List<String> sources = run(server, "/sources");

            assertThat(sources.get(0)).isEqualTo("prices=" + upstream.tcp() + " (frames)");
            assertThat(sources.get(1)).matches("  connected for [0-9.]+ m?s, 2 messages, 1 connection, last heard "
                    + "[0-9.]+ m?s ago");
            assertThat(sources.get(2)).isEqualTo("  reading 127.0.0.1:" + upstream.port());
            assertThat(sources.get(3)).isEqualTo("news=tcp://127.0.0.1:1 (lines)");
            assertThat(sources.get(4)).matches("  (retrying|connecting) for .*, 0 messages, 0 connections, last heard "
                    + "never");
            assertThat(run(server, "/stats")).anyMatch(line -> line.matches(
                    "sources     2 \\(1 connected, 1 (retrying|connecting)\\), 2 messages, 1 connections made; "
                            + "/sources lists them"));
        }
    }
}
