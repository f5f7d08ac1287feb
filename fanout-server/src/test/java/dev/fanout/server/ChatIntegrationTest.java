package dev.fanout.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fanout.server.testing.LineClient;
import dev.fanout.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ChatIntegrationTest {

    private final TestServer server = TestServer.start(options -> options.maxLine(64));

    @AfterEach
    void tearDown() {
        server.close();
    }

    @Test
    void idleTimeout_closesAChatClientThatSendsNothing_tellingItWhy() throws Exception {
        try (TestServer idle = TestServer.start(options -> options.idleTimeout(java.time.Duration.ofMillis(300)))) {
            LineClient quiet = idle.lineClient();
            assertThat(quiet.awaitLine(line -> line.startsWith("*** disconnected:")))
                    .isEqualTo("*** disconnected: sent nothing for too long");
            quiet.awaitLine(LineClient.END::equals);
            assertThat(idle.server().sessionStats().closes(dev.fanout.server.session.CloseReason.IDLE_TIMEOUT))
                    .isEqualTo(1);
        }
    }

    @Test
    void greeting_namesServerAndClientNumber() {
        LineClient client = server.track(LineClient.connect(server.lines()));
        String greeting = client.awaitLine(line -> line.startsWith("***"));
        assertThat(greeting).startsWith("*** welcome to fanout ").contains("you are client #1")
                .contains("room lobby").contains("/help");
    }

    @Test
    void threeClients_typeAtOnce_eachReadsEveryOtherLineInOrderAndNotItsOwn() throws Exception {
        int lines = 300;
        List<LineClient> people = new ArrayList<>();
        for (String name : List.of("ann", "bob", "cat")) {
            LineClient person = server.lineClient();
            person.send("/nick " + name);
            person.awaitLine("*** you are now known as " + name);
            people.add(person);
        }
        people.forEach(LineClient::drain);

        ExecutorService typists = Executors.newFixedThreadPool(people.size());
        try {
            List<Future<?>> typing = new ArrayList<>();
            for (int p = 0; p < people.size(); p++) {
                LineClient person = people.get(p);
                typing.add(typists.submit(() -> {
                    for (int i = 0; i < lines; i++) {
                        person.send("line " + i);
                    }
                    return null;
                }));
            }
            for (Future<?> done : typing) {
                done.get();
            }
        } finally {
            typists.shutdownNow();
        }

        List<String> names = List.of("ann", "bob", "cat");
        for (int p = 0; p < people.size(); p++) {
            String self = names.get(p);
            int[] next = new int[3];
            LineClient person = people.get(p);
            int expected = 2 * lines;
            for (int got = 0; got < expected; got++) {
                String line = person.awaitLine(text -> text.matches("(ann|bob|cat): line \\d+"));
                String from = line.substring(0, line.indexOf(':'));
                assertThat(from).as("%s must not hear itself", self).isNotEqualTo(self);
                int sender = names.indexOf(from);
                assertThat(line).isEqualTo(from + ": line " + next[sender]);
                next[sender]++;
            }
        }
    }

    @Test
    void badLines_getOneErrorEachAndTheConnectionStays() throws Exception {
        LineClient client = server.lineClient();
        LineClient other = server.lineClient();
        client.sendRaw("x".repeat(100).getBytes(StandardCharsets.US_ASCII));
        client.sendRaw("\n".getBytes(StandardCharsets.US_ASCII));
        client.awaitLine("*** error: line too long (the limit is 64 bytes); the line was not sent");
        client.sendRaw(new byte[] {'h', 'i', (byte) 0xc3, 0x28, '\n'});
        client.awaitLine("*** error: line is not valid UTF-8; the line was not sent");
        client.send("clear \u001b[2J screen");
        client.awaitLine("*** error: line contains control characters; the line was not sent");
        client.send("/frobnicate");
        client.awaitLine("*** error: unknown command /frobnicate; type /help for the list");
        client.send("still here");
        other.awaitLine("client-1: still here");
        assertThat(server.server().sessions().size()).isEqualTo(2);
    }

    @Test
    void partialLine_withoutNewline_isSentAfterTheLineFlushDelay() throws Exception {
        LineClient typist = server.lineClient();
        LineClient reader = server.lineClient();
        // The tutorial's full-duplex client sends input() with no line end.
        typist.sendRaw("no newline here".getBytes(StandardCharsets.UTF_8));
        reader.awaitLine("client-1: no newline here");
    }

    @Test
    void lastLineWithoutNewline_sentJustBeforeClosing_stillReachesTheRoom() throws Exception {
        LineClient reader = server.lineClient();
        LineClient leaving = server.lineClient();
        leaving.sendRaw("bye without a newline".getBytes(StandardCharsets.UTF_8));
        leaving.close();
        reader.awaitLine("client-2: bye without a newline");
    }

    @Test
    void msg_toAFramesClient_isRefused() throws Exception {
        LineClient person = server.lineClient();
        server.rawClient();
        person.send("/msg client-2 psst");
        person.awaitLine("*** error: client-2 is a program on the frames port, not a chat client");
    }

    @Test
    void nick_defaultNameOfAnotherClient_isRefused() throws Exception {
        LineClient person = server.lineClient();
        person.send("/nick client-7");
        person.awaitLine("*** error: names like client-N are kept for new clients; choose another");
        person.send("/nick client-1");
        person.awaitLine("*** you are now known as client-1");
    }

    @Test
    void leaving_isAnnouncedToTheRoom() throws Exception {
        LineClient stays = server.lineClient();
        LineClient quits = server.lineClient();
        LineClient drops = server.lineClient();
        quits.send("/quit");
        stays.awaitLine("*** client-2 left");
        drops.close();
        stays.awaitLine("*** client-3 left");
    }

    @Test
    void quit_closesWithAGoodbye() throws Exception {
        LineClient client = server.lineClient();
        client.send("/quit");
        assertThat(client.awaitEnd()).contains("*** disconnected: client quit");
        server.awaitSessions(0);
    }
}
