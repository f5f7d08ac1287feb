package dev.fanout.source;

import static dev.fanout.source.SourceTesting.QUICK;
import static dev.fanout.source.SourceTesting.startSource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.server.source.Source;
import dev.fanout.server.source.SourceState;
import dev.fanout.server.testing.TestServer;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shutting the server down stops every source, whatever it is doing, and waits on none of their reads. */
class SourceShutdownTest {

    @TempDir
    Path dir;

    @Test
    void close_stopsEverySource_blockedStdinRunningCommandAndOpenConnection() throws Exception {
        Path pidFile = dir.resolve("pid");
        try (UpstreamServer upstream = UpstreamServer.start(connection -> connection.getInputStream().read());
             PipedOutputStream writer = new PipedOutputStream();
             PipedInputStream neverWritten = new PipedInputStream(writer)) {
            TestServer server = TestServer.start();
            Source stdin = startSource(server, "stdin", QUICK, neverWritten);
            Source command = startSource(server, "cmd=exec:sleep 300 & echo $! > " + pidFile + "; wait", QUICK);
            Source tcp = startSource(server, "up=" + upstream.tcp(), QUICK);
            await().until(() -> List.of(stdin, command, tcp).stream()
                    .allMatch(s -> s.status().state() == SourceState.CONNECTED));
            await().until(() -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank());
            long child = Long.parseLong(Files.readString(pidFile).strip());

            server.close();

            assertThat(List.of(stdin, command, tcp)).allMatch(s -> s.status().state() == SourceState.STOPPED);
            await().until(() -> upstream.open() == 0);
            await().until(() -> ProcessHandle.of(child).map(p -> !p.isAlive()).orElse(true));
        }
    }
}
