package dev.fanout.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.fanout.server.testing.LogCapture;
import dev.fanout.server.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StartupLogTest {

    private LogCapture log;

    @BeforeEach
    void capture() {
        log = LogCapture.of(FanoutServer.class);
    }

    @AfterEach
    void release() {
        log.close();
    }

    private List<String> lines(Level level) {
        return log.messages(level);
    }

    @Test
    void start_logsOneLinePerListenerWithItsBoundAddress() {
        try (TestServer server = TestServer.start()) {
            assertThat(lines(Level.INFO))
                    .contains("frames listener on 127.0.0.1:" + server.frames().getPort()
                            + ": raw frames of topic 'lobby', or control mode after HELLO")
                    .contains("lines listener on 127.0.0.1:" + server.lines().getPort()
                            + ": chat, starting in room 'lobby'")
                    .anyMatch(line -> line.startsWith("fanout ") && line.contains(" ready (server id "))
                    .anyMatch(line -> line.startsWith("history: 1000 messages and 1 MiB per topic (--history, "
                            + "--history-bytes), ") && line.contains("(--history-total-bytes), up to 10000 topics"));
        }
    }

    @Test
    void start_withMaxClientsAboveTheOpenFileLimit_warns() {
        TestServer.start(options -> options.maxClients(10_000_000)).close();
        assertThat(lines(Level.WARN)).anyMatch(line -> line.startsWith("--max-clients 10000000 exceeds what "
                + "this process's open-file limit"));
    }

    @Test
    void start_withMaxClientsWithinTheOpenFileLimit_doesNotWarn() {
        TestServer.start(options -> options.maxClients(100)).close();
        assertThat(lines(Level.WARN)).noneMatch(line -> line.contains("open-file limit"));
    }

    @Test
    void close_logsShutdownAndASummary() {
        TestServer server = TestServer.start();
        server.close();
        assertThat(lines(Level.INFO))
                .anyMatch(line -> line.startsWith("shutting down: no longer accepting"))
                .anyMatch(line -> line.startsWith("stopped: 0 messages published"));
    }
}
