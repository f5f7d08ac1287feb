package dev.fanout.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.fanout.server.session.CloseReason;
import dev.fanout.server.testing.LineClient;
import dev.fanout.server.testing.RawClient;
import dev.fanout.server.testing.TestServer;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConnectionLimitIntegrationTest {

    private final TestServer server = TestServer.start(options -> options.maxClients(3));

    @AfterEach
    void tearDown() {
        server.close();
    }

    @Test
    void connectRate_anAddressThatConnectsTooFast_isToldAndClosed_andCounted() throws Exception {
        try (TestServer limited = TestServer.start(options -> options.connectRate(1))) {
            // One token per second: of two connections straight after each other, one finds none (which one, the
            // order the event loops set them up in decides).
            LineClient first = limited.track(LineClient.connect(limited.lines()));
            LineClient second = limited.track(LineClient.connect(limited.lines()));
            List<String> said = new ArrayList<>();
            for (LineClient client : List.of(first, second)) {
                said.add(client.awaitLine(line -> line.contains("welcome to") || line.contains("too many")));
            }
            assertThat(said).filteredOn(line -> line.contains("welcome to")).hasSize(1);
            assertThat(said).filteredOn(line -> line.contains("too many")).singleElement().asString()
                    .startsWith("*** fanout").contains("too many new connections from 127.0.0.1 (limit 1 per "
                            + "second, --connect-rate); wait a moment and try again");
            assertThat(limited.server().sessionStats().closes(CloseReason.CONNECT_RATE)).isEqualTo(1);
        }
    }

    @Test
    void maxClients_linesClientOverTheLimit_isToldAtOnceAndClosed() throws Exception {
        List<LineClient> admitted = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            admitted.add(server.lineClient());
        }
        LineClient refused = server.track(LineClient.connect(server.lines()));
        List<String> said = refused.awaitEnd();
        assertThat(said).singleElement().asString()
                .startsWith("*** fanout").contains("server full (3 clients); try again later");
        assertThat(server.server().sessionStats().closes(CloseReason.SERVER_FULL)).isEqualTo(1);
        assertThat(server.server().sessions().size()).isEqualTo(3);

        // Everyone admitted is unaffected.
        admitted.get(0).send("still chatting");
        admitted.get(1).awaitLine("client-1: still chatting");
    }

    @Test
    void maxClients_rawClientOverTheLimit_isReset_andAPlaceThatFreesIsTakenAtOnce() throws Exception {
        RawClient first = server.rawClient();
        RawClient second = server.rawClient();
        server.rawClient();
        // The reset may come before connect() returns or at the first read.
        assertThatThrownBy(() -> {
            try (Socket refused = new Socket()) {
                refused.connect(server.frames());
                refused.getInputStream().read();
            }
        }).isInstanceOf(SocketException.class).hasMessageContaining("reset");
        assertThat(server.server().sessionStats().closes(CloseReason.SERVER_FULL)).isEqualTo(1);

        // A raw client that closes without having published looks like a tutorial reader that half-closed,
        // until the server next writes to it and the peer answers with a reset.
        first.close();
        await().until(() -> {
            second.send("anyone there?");
            return server.server().connectedClients() == 2;
        });
        RawClient readmitted = server.rawClient();
        second.send("welcome back");
        String text;
        do {
            text = readmitted.readText();
        } while ("anyone there?".equals(text));
        assertThat(text).isEqualTo("welcome back");
        assertThat(server.server().sessionStats().closes(CloseReason.SERVER_FULL)).isEqualTo(1);
    }

    @Test
    void floodOfConnections_beyondTheLimit_areAllRefusedAndTheServerStaysUp() throws Exception {
        RawClient reader = server.rawClient();
        RawClient publisher = server.rawClient();
        server.rawClient();
        for (int i = 0; i < 200; i++) {
            try (Socket extra = new Socket()) {
                extra.connect(server.frames());
            } catch (SocketException resetWhileConnecting) {
                // The refusal may reach us before connect() returns; either way it was refused.
            }
        }
        await().until(() -> server.server().sessionStats().closes(CloseReason.SERVER_FULL) == 200);
        assertThat(server.server().sessions().size()).isEqualTo(3);
        publisher.send("still flowing");
        assertThat(reader.readText()).isEqualTo("still flowing");
    }
}
