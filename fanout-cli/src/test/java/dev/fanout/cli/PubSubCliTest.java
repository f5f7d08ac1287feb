package dev.fanout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fanout.server.testing.RawClient;
import dev.fanout.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PubSubCliTest {

    private final TestServer server = TestServer.start(options -> options.maxClients(2));

    @AfterEach
    void tearDown() {
        server.close();
    }

    private String port() {
        return "127.0.0.1:" + server.frames().getPort();
    }

    @Test
    void pubThenSubCount_roundTripsThroughTheRealCli() throws Exception {
        try (CliProcess sub = CliProcess.start("sub", port(), "--count", "3");
             CliProcess pub = CliProcess.start("pub", port())) {
            server.awaitSessions(2);
            pub.feed("first\nsecond line\nthird\n");
            assertThat(pub.awaitExit()).as("pub exit; stderr %s", pub.stderr()).isZero();
            assertThat(sub.awaitExit()).as("sub exit; stderr %s", sub.stderr()).isZero();
            assertThat(sub.stdout()).containsExactly("first", "second line", "third");
        }
        assertThat(server.server().hub().stats().published()).isEqualTo(3);
    }

    @Test
    void sub_showsBinaryPayloadsInASafeForm() throws Exception {
        try (CliProcess sub = CliProcess.start("sub", port(), "--count", "1")) {
            server.awaitSessions(1);
            RawClient publisher = server.track(RawClient.connect(server.frames()));
            publisher.send(new byte[] {0, (byte) 0xff, 7});
            assertThat(sub.awaitExit()).isZero();
            assertThat(sub.stdout()).containsExactly("[binary, 3 bytes: 00 ff 07]");
        }
    }

    @Test
    void pub_refusedByAFullServer_exitsNonZeroAndSaysWhy() throws Exception {
        server.rawClient();
        server.rawClient();
        try (CliProcess pub = CliProcess.start("pub", port())) {
            pub.feed("nobody will get this\n");
            assertThat(pub.awaitExit()).isEqualTo(1);
            // The OS reports the reset as "connection reset" or "broken pipe", at connect, write or read.
            assertThat(String.join("\n", pub.stderr())).startsWith("fanout pub: ")
                    .contains("the server may be full");
        }
        assertThat(server.server().hub().stats().published()).isZero();
    }

    @Test
    void pubTopic_refused_saysWhichMessage_andWhatWasPublishedBeforeIt() throws Exception {
        // One topic at most, the default one: a named topic is refused.
        try (TestServer small = TestServer.start(builder -> builder.maxTopics(1));
             CliProcess pub = CliProcess.start("pub", "127.0.0.1:" + small.frames().getPort(), "--topic", "other")) {
            pub.feed("one\ntwo\n");
            assertThat(pub.awaitExit()).isEqualTo(1);
            assertThat(String.join("\n", pub.stderr())).startsWith("fanout pub: ")
                    .contains("message 1 (line or frame 1 of the input) was refused: ")
                    .contains("the 0 before it were published");
        }
    }

    @Test
    void sub_withNoServer_exitsNonZeroAndSuggestsStartingOne() throws Exception {
        int closedPort = server.frames().getPort();
        server.close();
        try (CliProcess sub = CliProcess.start("sub", "127.0.0.1:" + closedPort)) {
            assertThat(sub.awaitExit()).isEqualTo(1);
            assertThat(sub.stderr()).anyMatch(line -> line.contains("cannot connect to 127.0.0.1:" + closedPort)
                    && line.contains("is the server running?"));
        }
    }
}
