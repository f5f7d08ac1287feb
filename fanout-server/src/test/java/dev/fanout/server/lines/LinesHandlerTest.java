package dev.fanout.server.lines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.server.session.CloseReason;
import dev.fanout.server.testing.LineClient;
import dev.fanout.server.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LinesHandlerTest {

    private final TestServer server = TestServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void inputEnd_publishesTheLastPartialLineThenCloses() throws IOException {
        LineClient script = server.lineClient();
        LineClient reader = server.lineClient();
        script.send("/nick script");
        script.awaitLine("*** you are now known as script");

        script.sendRaw("last words".getBytes(StandardCharsets.UTF_8));
        script.socket().shutdownOutput();

        reader.awaitLine("script: last words");
        // The lines listener keeps no half-closed connections: the server closes its side too.
        script.awaitEnd();
        await().until(() -> server.server().sessions().size() == 1);
        assertThat(server.server().sessionStats().closes(CloseReason.CLIENT_CLOSED)).isEqualTo(1);
    }
}
