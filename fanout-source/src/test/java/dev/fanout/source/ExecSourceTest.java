package dev.fanout.source;

import static dev.fanout.source.SourceTesting.QUICK;
import static dev.fanout.source.SourceTesting.reader;
import static dev.fanout.source.SourceTesting.startSource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.fanout.server.source.Source;
import dev.fanout.server.source.SourceState;
import dev.fanout.server.testing.LogCapture;
import dev.fanout.server.testing.RawClient;
import dev.fanout.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecSourceTest {

    @TempDir
    Path dir;


    @Test
    void lines_ofACommand_arriveInOrder_andItRunsAgainAfterItExits() throws Exception {
        try (TestServer server = TestServer.start();
             LogCapture logs = LogCapture.of(SupervisedSource.class)) {
            RawClient reader = reader(server);
            Source source = startSource(server, "exec:for i in 1 2 3; do echo \"line $i\"; done", QUICK);

            for (int run = 0; run < 2; run++) {
                assertThat(reader.readText()).isEqualTo("line 1");
                assertThat(reader.readText()).isEqualTo("line 2");
                assertThat(reader.readText()).isEqualTo("line 3");
            }
            assertThat(source.status().connects()).isGreaterThanOrEqualTo(2);
            assertThat(logs.messages(Level.WARN)).anyMatch(m -> m.contains("lost: exited with status 0; retrying in"));
        }
    }

    @Test
    void frames_ofACommand_areMessages_andALastLineWithoutItsEndCounts() throws Exception {
        try (TestServer server = TestServer.start()) {
            RawClient reader = reader(server);
            startSource(server, "exec:printf '\\000\\000\\000\\005hello\\000\\000\\000\\000'; sleep 30"
                    + "?format=frames", QUICK);

            assertThat(reader.readText()).isEqualTo("hello");
            assertThat(reader.read()).isEmpty();
        }
    }

    @Test
    void standardError_goesToTheLog_lineByLine() {
        try (TestServer server = TestServer.start();
             LogCapture logs = LogCapture.of(ExecUpstream.class)) {
            startSource(server, "exec:echo 'first problem' >&2; echo 'second problem' >&2; sleep 30", QUICK);

            await().until(() -> logs.messages(Level.WARN).stream().filter(m -> m.contains("stderr: ")).count() == 2);
            assertThat(logs.messages(Level.WARN)).anyMatch(m -> m.endsWith("stderr: first problem"))
                    .anyMatch(m -> m.endsWith("stderr: second problem"));
        }
    }

    @Test
    void garbage_aFrameOverTheLimit_stopsThatRun_andTheNextRunGoesOn() throws Exception {
        Path runs = dir.resolve("runs");
        try (TestServer server = TestServer.start(options -> options.maxFrame(1024));
             LogCapture logs = LogCapture.of(SupervisedSource.class)) {
            RawClient reader = reader(server);
            // The first run sends a good frame, then a length over the limit; later runs only good frames.
            startSource(server, "exec:echo run >> " + runs + "; printf '\\000\\000\\000\\002ok';"
                    + " if [ $(wc -l < " + runs + ") -eq 1 ]; then printf '\\177\\377\\377\\377'; fi; sleep 30"
                    + "?format=frames", QUICK);

            assertThat(reader.readText()).isEqualTo("ok");
            assertThat(reader.readText()).isEqualTo("ok");
            assertThat(logs.messages(Level.WARN)).anyMatch(m -> m.contains("lost: frame of 2147483647 bytes exceeds "
                    + "the maximum of 1024 bytes"));
            assertThat(Files.readAllLines(runs)).hasSize(2);
        }
    }

    @Test
    void stop_endsTheCommandAndWhatItStarted() throws Exception {
        Path pidFile = dir.resolve("pid");
        try (TestServer server = TestServer.start()) {
            // The shell starts a child that ignores nothing: it must go when the source stops.
            Source source = startSource(server, "exec:sleep 300 & echo $! > " + pidFile + "; wait", QUICK);
            await().until(() -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank());
            long child = Long.parseLong(Files.readString(pidFile).strip());
            assertThat(ProcessHandle.of(child)).isPresent();

            source.stop().get(10, TimeUnit.SECONDS);

            assertThat(source.status().state()).isEqualTo(SourceState.STOPPED);
            await().until(() -> ProcessHandle.of(child).map(p -> !p.isAlive()).orElse(true));
        }
    }

    @Test
    void aCommandThatCannotRun_isRetried_withTheReasonLogged() {
        try (TestServer server = TestServer.start();
             LogCapture logs = LogCapture.of(ExecUpstream.class, SupervisedSource.class)) {
            startSource(server, "exec:/no/such/program", QUICK);

            await().until(() -> logs.messages(Level.WARN).stream()
                    .anyMatch(m -> m.contains("stderr:") && m.contains("/no/such/program")));
            await().until(() -> logs.messages(Level.WARN).stream()
                    .filter(m -> m.contains("lost: exited with status 127")).count() >= 2);
        }
    }

    @Test
    void stop_waitsForAChildThatIgnoresSigterm_whichSigkillEnds() throws Exception {
        Path pidFile = dir.resolve("stubborn");
        try (TestServer server = TestServer.start()) {
            Source source = startSource(server, "exec:sh -c 'trap \"\" TERM; while true; do sleep 1; done' & "
                    + "echo $! > " + pidFile + "; wait", QUICK);
            await().until(() -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank());
            long child = Long.parseLong(Files.readString(pidFile).strip());

            source.stop().get(10, TimeUnit.SECONDS);

            // Stopped means gone: the next run of a source never starts beside the last one.
            assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        }
    }
}
