package dev.fanout.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.server.session.CloseReason;
import dev.fanout.server.testing.LineClient;
import dev.fanout.server.testing.RawClient;
import dev.fanout.server.testing.TestServer;
import java.io.OutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BadInputIntegrationTest {

    private final TestServer server = TestServer.start();

    @AfterEach
    void tearDown() {
        server.close();
    }

    @Test
    void fourGibLengthPrefix_closesThatClientOnly_andNothingQueuedForOthersIsLost() throws Exception {
        RawClient reader = server.rawClient();
        LineClient person = server.lineClient();
        RawClient publisher = server.rawClient();
        RawClient attacker = server.rawClient();
        publisher.send("before");

        OutputStream raw = attacker.socket().getOutputStream();
        raw.write(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2, 3});
        raw.flush();
        // The attacker is a subscriber too: it may get "before" first, then its connection ends.
        String first = attacker.readText();
        if ("before".equals(first)) {
            first = attacker.readText();
        }
        assertThat(first).as("the attacker's connection ends").isNull();
        await().until(() -> server.server().sessionStats().closes(CloseReason.FRAME_TOO_LARGE) == 1);

        publisher.send("after");
        assertThat(reader.readText()).isEqualTo("before");
        assertThat(reader.readText()).isEqualTo("after");
        person.awaitLine("client-3: before");
        person.awaitLine("client-3: after");
        assertThat(server.server().sessions().size()).isEqualTo(3);
        assertThat(server.server().sessions().find(4)).isNull();
    }

    @Test
    void frameOneByteOverTheLimit_isRefused_andOneAtTheLimitIsNot() throws Exception {
        try (TestServer small = TestServer.start(options -> options.maxFrame(1024))) {
            RawClient reader = small.rawClient();
            RawClient publisher = small.rawClient();
            publisher.send(new byte[1024]);
            assertThat(reader.read()).hasSize(1024);
            publisher.send(new byte[1025]);
            assertThat(publisher.read()).isNull();
            assertThat(small.server().sessionStats().closes(CloseReason.FRAME_TOO_LARGE)).isEqualTo(1);
        }
    }

    @Test
    void httpRequestOnTheFramesPort_isRefusedAsAnOversizedFrame() throws Exception {
        RawClient confused = server.rawClient();
        OutputStream raw = confused.socket().getOutputStream();
        raw.write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        raw.flush();
        assertThat(confused.read()).isNull();
        assertThat(server.server().sessionStats().closes(CloseReason.FRAME_TOO_LARGE)).isEqualTo(1);
    }
}
