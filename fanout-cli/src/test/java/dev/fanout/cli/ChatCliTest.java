package dev.fanout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fanout.server.testing.LineClient;
import dev.fanout.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code fanout chat} with standard input that is not a terminal: plain lines, as scripts use it. */
class ChatCliTest {

    private final TestServer server = TestServer.start();

    @AfterEach
    void tearDown() {
        server.close();
    }

    private String port() {
        return String.valueOf(server.lines().getPort());
    }

    @Test
    void pipedInput_sendsEachLine_thenLeavesAndExitsZero() throws Exception {
        LineClient alice = server.lineClient();
        try (CliProcess bob = CliProcess.start("chat", port(), "--nick", "bob")) {
            alice.awaitLine("*** client-2 is now known as bob");
            bob.feed("hello\nsecond line\n");

            alice.awaitLine("bob: hello");
            alice.awaitLine("bob: second line");
            alice.awaitLine("*** bob left");
            assertThat(bob.awaitExit()).isZero();
            assertThat(bob.stdout()).hasSize(3);
            assertThat(bob.stdout().get(0)).startsWith("*** welcome to fanout");
            assertThat(bob.stdout().subList(1, 3))
                    .containsExactly("*** you are now known as bob", "*** disconnected: client quit");
            // No terminal, so no line editor: nothing from JLine, such as its dumb-terminal warning.
            assertThat(bob.stderr()).isEmpty();
        }
    }

    @Test
    void serverGoesAway_exitsOneSayingSo() throws Exception {
        try (CliProcess bob = CliProcess.start("chat", port())) {
            server.awaitSessions(1);

            server.server().close();

            assertThat(bob.awaitExit()).isEqualTo(1);
            assertThat(bob.stdout()).last().isEqualTo("*** disconnected: server shutting down");
            assertThat(bob.stderr()).containsExactly("fanout chat: the server closed the connection");
        }
    }
}
