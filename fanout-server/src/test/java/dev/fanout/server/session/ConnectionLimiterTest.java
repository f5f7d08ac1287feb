package dev.fanout.server.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.fanout.server.FanoutServer;
import dev.fanout.server.ServerOptions;
import dev.fanout.server.testing.LineClient;
import dev.fanout.server.testing.TestServer;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConnectionLimiterTest {

    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private FanoutServer start(UnaryOperator<ServerOptions.Builder> options) {
        server = TestServer.start(options);
        return server.server();
    }

    private LineClient refusedLineClient() {
        return server.track(LineClient.connect(server.lines()));
    }

    @Test
    void admit_thirdLinesClientFromOneAddress_isToldWhyAndClosed() {
        FanoutServer fanout = start(b -> b.maxClientsPerAddress(2));
        server.lineClient();
        server.lineClient();

        LineClient third = refusedLineClient();

        String why = third.awaitLine(line -> line.contains("too many connections from"));
        assertThat(why).startsWith("*** fanout ")
                .endsWith(": too many connections from 127.0.0.1 (limit 2); close one and try again");
        assertThat(third.awaitEnd()).isEmpty();
        assertThat(fanout.sessionStats().closes(CloseReason.ADDRESS_FULL)).isEqualTo(1);
        assertThat(fanout.sessionStats().closes(CloseReason.SERVER_FULL)).isZero();
        assertThat(fanout.sessionStats().accepted()).isEqualTo(2);
        assertThat(fanout.connectedClients()).isEqualTo(2);
        assertThat(fanout.sessions().size()).isEqualTo(2);
    }

    @Test
    void admit_atMaxClients_refusesAcrossBothListeners() {
        FanoutServer fanout = start(b -> b.maxClients(2));
        server.rawClient();
        server.lineClient();

        LineClient third = refusedLineClient();

        third.awaitLine(line -> line.endsWith(": server full (2 clients); try again later"));
        third.awaitEnd();
        assertThat(fanout.sessionStats().closes(CloseReason.SERVER_FULL)).isEqualTo(1);
        assertThat(fanout.connectedClients()).isEqualTo(2);
    }

    @Test
    void admit_refusedFramesClient_isReset() {
        FanoutServer fanout = start(b -> b.maxClients(1));
        server.rawClient();

        // Raw mode cannot say why; a reset tells the client it was refused, not that the stream ended. The reset
        // may arrive before connect() returns or at the first read.
        assertThatThrownBy(() -> {
            try (Socket refused = new Socket()) {
                refused.connect(server.frames());
                refused.getInputStream().read();
            }
        }).isInstanceOf(SocketException.class).hasMessageContaining("reset");
        assertThat(fanout.sessionStats().closes(CloseReason.SERVER_FULL)).isEqualTo(1);
        assertThat(fanout.sessions().size()).isEqualTo(1);
    }

    @Test
    void admit_afterAClientFromTheAddressLeaves_admitsTheNext() throws IOException {
        FanoutServer fanout = start(b -> b.maxClientsPerAddress(1));
        LineClient first = server.lineClient();
        LineClient refused = refusedLineClient();
        refused.awaitLine(line -> line.contains("too many connections from"));

        first.send("/quit");
        first.awaitEnd();
        await().until(() -> fanout.connectedClients() == 0);

        server.lineClient();
        assertThat(fanout.connectedClients()).isEqualTo(1);
        assertThat(fanout.sessionStats().closes(CloseReason.ADDRESS_FULL)).isEqualTo(1);
        assertThat(fanout.sessionStats().accepted()).isEqualTo(2);
    }

    /** A lines client that closed its socket in a quiet room must not keep its place, name or room. */
    @Test
    void admit_afterALinesClientClosesItsSocket_admitsTheNext() throws IOException {
        FanoutServer fanout = start(b -> b.maxClients(1));
        LineClient first = server.lineClient();

        first.close();

        await().until(() -> fanout.connectedClients() == 0);
        assertThat(fanout.sessions().size()).isZero();
        assertThat(fanout.sessionStats().closes(CloseReason.CLIENT_CLOSED)).isEqualTo(1);
        server.lineClient();
    }
}
