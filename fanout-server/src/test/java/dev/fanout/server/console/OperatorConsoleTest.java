package dev.fanout.server.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.hub.Message;
import dev.fanout.protocol.ByteSize;
import dev.fanout.server.FanoutServer;
import dev.fanout.server.session.CloseReason;
import dev.fanout.server.testing.LineClient;
import dev.fanout.server.testing.RawClient;
import dev.fanout.server.testing.TestServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OperatorConsoleTest {

    /** A queued size as /list shows it: usually 0 B, but a notice may still be on its way out. */
    private static final String QUEUED = "[0-9.]+ (B|KiB|MiB)";

    private final TestServer server = TestServer.start();
    private final FanoutServer fanout = server.server();
    private final StringWriter output = new StringWriter();
    private final AtomicInteger shutdowns = new AtomicInteger();
    private final OperatorConsole console = console("");

    @AfterEach
    void stop() {
        server.close();
    }

    private OperatorConsole console(String input) {
        return new OperatorConsole(fanout, new BufferedReader(new StringReader(input)), new PrintWriter(output),
                shutdowns::incrementAndGet);
    }

    /** Runs one command and returns the lines it printed. */
    private List<String> run(String command) {
        output.getBuffer().setLength(0);
        assertThat(console.execute(command)).as("only /shutdown ends the console").isTrue();
        return output.toString().lines().toList();
    }

    private long idOf(String name) {
        return fanout.sessions().findByName(name).id();
    }

    @Test
    void list_showsIdsNamesAddressesAndProtocols() throws IOException {
        server.rawClient();
        server.lineClient("alice");
        long rawId = fanout.sessions().all().get(0).id();

        List<String> lines = run("/list");

        assertThat(lines.get(0)).matches("ID +NAME +ADDRESS +PROTO +TOPICS +QUEUED");
        assertThat(lines).anyMatch(line -> line.matches(rawId + " +client-" + rawId
                + " +127\\.0\\.0\\.1:\\d+ +frames +lobby +" + QUEUED));
        assertThat(lines).anyMatch(line -> line.matches(idOf("alice")
                + " +alice +127\\.0\\.0\\.1:\\d+ +lines +lobby +" + QUEUED));
        assertThat(lines).hasSize(4).endsWith("2 clients");
    }

    /** Regression: /list showed Java's /[0:0:0:0:0:0:0:1]:47700 for IPv6 clients. */
    @Test
    void list_ipv6Client_showsTheAddressAsPeopleWriteIt() {
        try (TestServer ipv6 = TestServer.start(options -> options.hosts(List.of("::1")))) {
            InetSocketAddress lines = new InetSocketAddress("::1", ipv6.lines().getPort());
            LineClient client = ipv6.track(LineClient.connect(lines));
            client.awaitLine(line -> line.contains("welcome to"));
            StringWriter printed = new StringWriter();
            new OperatorConsole(ipv6.server(), new BufferedReader(new StringReader("")), new PrintWriter(printed),
                    () -> { }).execute("/list");

            String address = "[::1]:" + client.socket().getLocalPort();
            assertThat(printed.toString().lines())
                    .hasSize(3)
                    .anySatisfy(line -> assertThat(line)
                            .matches("1 +client-1 +\\Q" + address + "\\E +lines +lobby .*"));
        }
    }

    /** Log lines name clients by the same address form as /list. */
    @Test
    void sessionInLogLines_showsTheAddressWithoutASlash() throws IOException {
        LineClient alice = server.lineClient("alice");

        assertThat(server.sessionOf(alice.socket()).toString())
                .isEqualTo("client #" + idOf("alice") + " 'alice' 127.0.0.1:" + alice.socket().getLocalPort()
                        + " (lines)");
    }

    @Test
    void sources_withNone_saysHowToAddOne() {
        assertThat(run("/sources")).containsExactly("no sources: serve --source adds one (see docs/sources.md)");
    }

    @Test
    void list_withNobody_saysNoClients() {
        assertThat(run("/list")).hasSize(2).endsWith("0 clients");
    }

    @Test
    void kick_closesThatClientWithTheReasonAndNoOther() throws IOException {
        LineClient alice = server.lineClient("alice");
        LineClient bob = server.lineClient("bob");
        long aliceId = idOf("alice");

        assertThat(run("/kick " + aliceId + " spamming the room"))
                .containsExactly("disconnected #" + aliceId + " (alice)");

        assertThat(alice.awaitEnd()).last()
                .isEqualTo("*** disconnected: removed by the operator: spamming the room");
        await().until(() -> fanout.sessions().size() == 1);
        assertThat(fanout.sessionStats().closes(CloseReason.KICKED)).isEqualTo(1);
        bob.send("/who");
        bob.awaitLine("*** 1 person in lobby: bob (you)");
    }

    @Test
    void kick_withoutAReason_givesTheBareReason() throws IOException {
        LineClient alice = server.lineClient("alice");

        run("/kick #" + idOf("alice"));

        assertThat(alice.awaitEnd()).last().isEqualTo("*** disconnected: removed by the operator");
    }

    @Test
    void kick_aClientAlreadyGone_saysNoSuchClient() throws IOException {
        LineClient alice = server.lineClient("alice");
        long aliceId = idOf("alice");
        run("/kick " + aliceId);
        alice.awaitEnd();

        assertThat(run("/kick " + aliceId))
                .containsExactly("no client #" + aliceId + "; /list shows who is connected");
    }

    @Test
    void kick_badIds_sayWhatIsWrong() {
        assertThat(run("/kick")).containsExactly("usage: /kick ID [REASON]");
        assertThat(run("/kick abc")).containsExactly("'abc' is not a client id; /list shows the ids");
        assertThat(run("/kick 99 because")).containsExactly("no client #99; /list shows who is connected");
    }

    /** Regression: the '#' the operator may type was echoed back as "no client ##99". */
    @Test
    void kick_unknownIdWithHash_namesItOnce() {
        assertThat(run("/kick #99")).containsExactly("no client #99; /list shows who is connected");
    }

    @Test
    void all_reachesEveryChatClientButNoFramesClient() throws IOException {
        LineClient alice = server.lineClient("alice");
        LineClient bob = server.lineClient("bob");
        RawClient raw = server.rawClient();

        assertThat(run("/all hello everyone"))
                .containsExactly("sent to 2 chat clients (frames clients are not sent chat text)");

        alice.awaitLine("[operator] hello everyone");
        bob.awaitLine("[operator] hello everyone");
        // Anything /all sent the frames client would reach it before what alice publishes next.
        await().until(() -> fanout.hub().find("lobby").subscriberCount() == 3);
        alice.send("marker");
        assertThat(raw.readText()).isEqualTo("marker");
    }

    @Test
    void all_withoutText_showsTheUsage() {
        assertThat(run("/all   ")).containsExactly("usage: /all TEXT");
    }

    @Test
    void stats_printsTheCounters() throws IOException {
        LineClient alice = server.lineClient("alice");
        LineClient bob = server.lineClient("bob");
        server.rawClient();
        long rawId = fanout.sessions().all().get(2).id();
        run("/kick " + rawId);
        await().until(() -> fanout.sessions().size() == 2);
        alice.send("hi");
        bob.awaitLine("alice: hi");
        await().until(() -> fanout.sessionStats().delivered() == 1 && fanout.hub().backlog().bytes() == 0
                && fanout.queueBudget().chargedBytes() == 0);

        assertThat(run("/stats")).containsExactly(
                "clients     2 connected (0 frames, 0 control, 2 lines, 0 websocket), 3 accepted since start",
                "topics      1 (limit 10000, --max-topics), 0 forgotten to make place, 0 refused",
                "history     " + ByteSize.format(2 + Message.OVERHEAD) + " held (limit "
                        + ByteSize.format(fanout.options().history().totalBytes())
                        + ", --history-total-bytes), 0 messages let go to stay within; in memory",
                "messages    1 published (2 B), 1 delivered (written to clients), 0 dropped (drop-oldest)",
                "queues      0 B held for clients (limit "
                        + ByteSize.format(fanout.options().limits().totalQueueBytes())
                        + ", --total-queue-bytes), 0 clients cut to stay within",
                "backlog     0 B waiting (limit 64 MiB), publishers paused 0 times",
                "closes      kicked=1");
    }

    @Test
    void help_listsTheCommands() {
        List<String> lines = run("/help");

        assertThat(lines.get(0)).isEqualTo("operator commands:");
        for (String command : List.of("/list", "/to ID TEXT", "/all TEXT", "/kick ID [REASON]", "/stats",
                "/sources", "/shutdown", "/help")) {
            assertThat(lines).anyMatch(line -> line.startsWith("  " + command + " "));
        }
    }

    @Test
    void unknownCommand_saysSo() {
        assertThat(run("/frobnicate now")).containsExactly("unknown command /frobnicate; /help lists the commands");
    }

    @Test
    void plainText_isNotSentAndSaysHow() throws IOException {
        LineClient alice = server.lineClient("alice");

        assertThat(run("hello everyone")).containsExactly(
                "plain text is not sent: use /all TEXT for every chat client or /to ID TEXT for one client");

        assertThat(fanout.hub().stats().published()).isZero();
        alice.send("/who");
        assertThat(alice.awaitLine(line -> line.startsWith("*** 1 person in lobby")))
                .isEqualTo("*** 1 person in lobby: alice (you)");
        assertThat(alice.drain()).noneMatch(line -> line.contains("hello everyone"));
    }

    @Test
    void emptyLine_doesNothing() {
        assertThat(run("")).isEmpty();
    }

    @Test
    void shutdown_runsTheShutdownAndEndsTheConsole() {
        assertThat(console.execute("/shutdown")).isFalse();

        assertThat(shutdowns).hasValue(1);
        assertThat(output.toString().lines()).containsExactly("shutting down");
    }

    @Test
    void run_readsCommandsUntilShutdown() throws IOException {
        console("  /help  \n/shutdown\n/list\n").run();

        List<String> lines = output.toString().lines().toList();
        assertThat(lines.get(0)).isEqualTo("operator console: type /help for commands");
        assertThat(lines).contains("operator commands:").endsWith("shutting down");
        assertThat(lines).noneMatch(line -> line.endsWith("clients"));
        assertThat(shutdowns).hasValue(1);
    }

    @Test
    void run_atEndOfInput_returnsWithoutShutdown() throws IOException {
        console("/list\n").run();

        assertThat(output.toString().lines()).contains("0 clients");
        assertThat(shutdowns).hasValue(0);
    }
}
