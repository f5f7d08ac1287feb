package dev.fanout.source;

import static dev.fanout.source.SourceTesting.QUICK;
import static dev.fanout.source.SourceTesting.reader;
import static dev.fanout.source.SourceTesting.startSource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.fanout.server.source.Source;
import dev.fanout.server.source.SourceState;
import dev.fanout.server.testing.LineClient;
import dev.fanout.server.testing.LogCapture;
import dev.fanout.server.testing.RawClient;
import dev.fanout.server.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StdinSourceTest {


    private static ByteArrayInputStream input(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void lines_reachARawClient_andTheSourceEndsWithItsInput() throws Exception {
        try (TestServer server = TestServer.start();
             LogCapture logs = LogCapture.of(SupervisedSource.class)) {
            RawClient reader = reader(server);
            Source source = startSource(server, "stdin", QUICK, input("one\ntwo\r\nlast without end"));

            assertThat(reader.readText()).isEqualTo("one");
            assertThat(reader.readText()).isEqualTo("two");
            assertThat(reader.readText()).isEqualTo("last without end");
            await().until(() -> source.status().state() == SourceState.ENDED);
            assertThat(source.status().messages()).isEqualTo(3);
            assertThat(logs.messages(Level.INFO)).anyMatch(m -> m.contains("ended (end of output) after 3 messages"));
        }
    }

    @Test
    void frames_reachARawClient() throws Exception {
        byte[] frames = {0, 0, 0, 2, 'h', 'i', 0, 0, 0, 0};
        try (TestServer server = TestServer.start()) {
            RawClient reader = reader(server);
            startSource(server, "stdin?format=frames", QUICK, new ByteArrayInputStream(frames));

            assertThat(reader.readText()).isEqualTo("hi");
            assertThat(reader.read()).isEmpty();
        }
    }

    @Test
    void anOverLongLine_isSkippedWithAWarning_andTheNextArrives() throws Exception {
        try (TestServer server = TestServer.start(options -> options.maxFrame(8));
             LogCapture logs = LogCapture.of(StreamPump.class)) {
            RawClient reader = reader(server);
            startSource(server, "stdin", QUICK, input("short\nmuch too long for it\nnext\n"));

            assertThat(reader.readText()).isEqualTo("short");
            assertThat(reader.readText()).isEqualTo("next");
            assertThat(logs.messages(Level.WARN)).anyMatch(m -> m.contains("a line was skipped"));
        }
    }

    @Test
    void chatClients_seeTheSourceAsTheSender() throws Exception {
        try (TestServer server = TestServer.start()) {
            LineClient chat = server.lineClient("watcher");
            startSource(server, "stdin", QUICK, input("hello room\n"));

            assertThat(chat.awaitLine(line -> line.contains("hello room"))).contains("stdin");
        }
    }

    @Test
    void stop_doesNotWaitForABlockedRead() throws Exception {
        try (PipedOutputStream writer = new PipedOutputStream();
             PipedInputStream neverWritten = new PipedInputStream(writer);
             TestServer server = TestServer.start()) {
            Source source = startSource(server, "stdin", QUICK, neverWritten);
            await().until(() -> source.status().state() == SourceState.CONNECTED);

            source.stop().get(5, TimeUnit.SECONDS);

            assertThat(source.status().state()).isEqualTo(SourceState.STOPPED);
        }
    }
}
