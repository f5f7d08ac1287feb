package dev.fanout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fanout.server.testing.LineClient;
import dev.fanout.server.testing.TestServer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression: {@code fanout chat} in a terminal printed what others said into the line being typed
 * ({@code half typedalice: alice interrupts}). Run here in a real terminal (a tmux pane), bob types while alice,
 * a plain lines client, talks.
 */
class ChatTerminalTest {

    private final TestServer server = TestServer.start();
    private LineClient alice;
    private TmuxPane bob;

    @TempDir
    Path dir;

    @BeforeEach
    void startBob() throws Exception {
        alice = server.lineClient();
        alice.send("/nick alice");
        alice.awaitLine("*** you are now known as alice");
        bob = TmuxPane.start(dir, 100, 20, CliProcess.command("chat", String.valueOf(server.lines().getPort()),
                "--nick", "bob"));
        alice.awaitLine("*** client-2 is now known as bob");
        bob.awaitScreen(screen -> screen.contains("*** you are now known as bob"));
        // The line editor shows its prompt once it reads the terminal raw: a key pressed before that (Ctrl-D
        // above all) would reach a terminal still in cooked mode.
        bob.awaitScreen(screen -> TmuxPane.lastRow(screen).startsWith(">"));
    }

    @AfterEach
    void tearDown() {
        if (bob != null) {
            bob.close();
        }
        server.close();
    }

    @Test
    void incomingLine_printsAboveTheHalfTypedLine_whichStaysAsTyped() throws Exception {
        bob.type("half typed");
        bob.awaitScreen(screen -> TmuxPane.lastRow(screen).endsWith("half typed"));

        alice.send("alice interrupts");

        List<String> screen = bob.awaitScreen(rows -> rows.stream().anyMatch(row -> row.contains("alice interrupts")));
        assertThat(screen).contains("alice: alice interrupts");
        assertThat(TmuxPane.lastRow(screen)).isEqualTo("> half typed");

        bob.press("Enter");
        alice.awaitLine("bob: half typed");
    }

    @Test
    void upArrow_recallsWhatWasSent() {
        bob.type("first words");
        bob.press("Enter");
        alice.awaitLine("bob: first words");

        bob.press("Up");
        bob.awaitScreen(screen -> TmuxPane.lastRow(screen).equals("> first words"));
        bob.type(" again");
        bob.press("Enter");

        alice.awaitLine("bob: first words again");
    }

    @Test
    void ctrlD_onAnEmptyLine_leavesAndExitsZero() {
        bob.press("C-d");

        assertThat(bob.awaitExit()).isZero();
        alice.awaitLine("*** bob left");
        assertThat(bob.screen()).contains("*** disconnected: client quit");
    }

    @Test
    void ctrlC_leavesWithoutSendingTheLine() {
        bob.type("never sent");
        bob.awaitScreen(screen -> TmuxPane.lastRow(screen).equals("> never sent"));

        bob.press("C-c");

        assertThat(bob.awaitExit()).isZero();
        String left = alice.awaitLine(line -> line.startsWith("bob: ") || line.equals("*** bob left"));
        assertThat(left).isEqualTo("*** bob left");
    }
}
