package dev.fanout.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fanout.server.testing.LineClient;
import dev.fanout.server.testing.RawClient;
import dev.fanout.server.testing.TestServer;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OperatorToTest {

    private final TestServer server = TestServer.start();
    private final StringWriter output = new StringWriter();
    private final OperatorConsole console = new OperatorConsole(server.server(),
            new BufferedReader(new StringReader("")), new PrintWriter(output), () -> { });

    @AfterEach
    void tearDown() {
        server.close();
    }

    @Test
    void to_reachesOnlyTheChosenClient() throws Exception {
        LineClient ann = server.lineClient();
        LineClient bob = server.lineClient();
        LineClient cat = server.lineClient();
        RawClient program = server.rawClient();
        long bobId = server.server().sessions().findByName("client-2").id();

        console.execute("/to " + bobId + " only for you, bob");
        assertThat(output.toString()).contains("sent to #" + bobId);
        bob.awaitLine("[operator] only for you, bob");

        // A marker sent to everyone afterwards: whoever got the private line would have seen it first.
        console.execute("/all marker");
        for (LineClient other : List.of(ann, cat)) {
            List<String> before = new java.util.ArrayList<>();
            other.awaitLine(line -> {
                before.add(line);
                return line.equals("[operator] marker");
            });
            assertThat(before).noneMatch(line -> line.contains("only for you"));
        }
        assertThat(output.toString()).contains("sent to 3 chat clients");
        // /all is chat text: the program reading the frames stream gets only what is sent to it alone.
        long programId = server.server().sessions().all().stream()
                .filter(s -> s.protocol() == dev.fanout.server.session.Protocol.FRAMES).findFirst().orElseThrow().id();
        console.execute("/to " + programId + " for the program");
        assertThat(program.readText()).isEqualTo("for the program");
    }

    @Test
    void to_rawClient_receivesTheTextAsOneFrame() throws Exception {
        RawClient program = server.rawClient();
        long id = server.server().sessions().all().get(0).id();
        console.execute("/to " + id + " hello program");
        assertThat(program.readText()).isEqualTo("hello program");
    }

    @Test
    void to_unknownClient_saysSoAndSendsNothing() {
        console.execute("/to 99 anyone?");
        assertThat(output.toString()).contains("no client #99; /list shows who is connected");
    }
}
