package dev.fanout.server.lines;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fanout.server.testing.LineClient;
import dev.fanout.server.testing.RawClient;
import dev.fanout.server.testing.TestServer;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Regression for issue 12: bidirectional controls (U+202E), separators (U+2028) and invisible characters
 * (U+200B, U+FEFF) reached other chat users' terminals as they were, so one user could make text read
 * differently than it is. Chat users now see them escaped, whatever path the text took.
 */
class SafeDisplayIntegrationTest {

    /** Right-to-left override, line separator, zero-width space, byte order mark, left-to-right isolate. */
    private static final String SENT = "pay \u202e0001$\u2028x\u200by\ufeffz\u2066";
    private static final String SHOWN = "pay \\u202e0001$\\u2028x\\u200by\\ufeffz\\u2066";

    private final TestServer server = TestServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void chatLine_withBidiAndInvisibleCharacters_isShownEscaped() throws IOException {
        LineClient alice = server.lineClient("alice");
        LineClient bob = server.lineClient("bob");

        alice.send(SENT);

        assertThat(bob.awaitLine(line -> line.startsWith("alice: "))).isEqualTo("alice: " + SHOWN);
    }

    @Test
    void chatLine_withBidiAndInvisibleCharacters_reachesFramesClientsUnchanged() throws IOException {
        LineClient alice = server.lineClient("alice");
        RawClient program = server.rawClient();

        alice.send(SENT);

        assertThat(program.readText()).isEqualTo(SENT);
    }

    @Test
    void privateMessage_withBidiAndInvisibleCharacters_isShownEscaped() throws IOException {
        LineClient alice = server.lineClient("alice");
        LineClient bob = server.lineClient("bob");

        alice.send("/msg bob " + SENT);

        assertThat(bob.awaitLine(line -> line.startsWith("[private] "))).isEqualTo("[private] alice: " + SHOWN);
    }

    @Test
    void framesPayload_withBidiAndInvisibleCharacters_isShownEscaped() throws IOException {
        LineClient bob = server.lineClient("bob");
        RawClient program = server.rawClient();
        long id = server.sessionOf(program.socket()).id();

        program.send(SENT);

        assertThat(bob.awaitLine(line -> line.startsWith("client-" + id + ": ")))
                .isEqualTo("client-" + id + ": " + SHOWN);
    }

    @Test
    void noticeQuotingWhatWasTyped_isShownEscaped() throws IOException {
        LineClient alice = server.lineClient("alice");

        alice.send("/msg \u202eecila hi");

        alice.awaitLine("*** error: nobody is named '\\u202eecila'; /who lists your room");
    }

    @Test
    void emojiJoinedByZeroWidthJoiners_isShownAsSent() throws IOException {
        LineClient alice = server.lineClient("alice");
        LineClient bob = server.lineClient("bob");
        String family = "\ud83d\udc69\u200d\ud83d\udc69\u200d\ud83d\udc67";

        alice.send("our family " + family);

        bob.awaitLine("alice: our family " + family);
    }
}
