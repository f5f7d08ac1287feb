package dev.fanout.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.hub.Message;
import dev.fanout.hub.Topic;
import dev.fanout.server.testing.CuttingProxy;
import dev.fanout.server.testing.TestServer;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** fanout sub and pub with --topic: control mode through the client library, as a script runs them. */
class TopicCliTest {

    private final TestServer server = TestServer.start(options -> options.history(5_000));

    @AfterEach
    void tearDown() {
        server.close();
    }

    private String port() {
        return "127.0.0.1:" + server.frames().getPort();
    }

    /** The payloads the topic's history holds, oldest first. */
    private List<String> history(String topic) {
        Topic held = server.server().hub().find(topic);
        List<Message> messages = held.read(1, 100_000, Long.MAX_VALUE).join();
        List<String> out = messages.stream().map(m -> m.payload().toString(StandardCharsets.UTF_8)).toList();
        messages.forEach(Message::release);
        return out;
    }

    @Test
    void pubTopic_thenSubFromTheFirst_asJson() throws Exception {
        try (CliProcess pub = CliProcess.start("pub", port(), "--topic", "news.eu")) {
            pub.feed("first\nsecond \"quoted\"\nthird\n");
            assertThat(pub.awaitExit()).as("pub; stderr %s", pub.stderr()).isZero();
        }
        try (CliProcess sub = CliProcess.start("sub", port(), "--topic", "news.*", "--from", "1", "--count", "3",
                "--json")) {
            assertThat(sub.awaitExit()).as("sub; stderr %s", sub.stderr()).isZero();
            List<String> lines = sub.stdout();
            assertThat(lines).hasSize(3);
            assertThat(lines.get(0)).matches("\\{\"topic\":\"news\\.eu\",\"seq\":1,\"epoch\":\\d+,\"time\":\\d+,"
                    + "\"payload\":\"first\"}");
            assertThat(lines.get(1)).contains("\"seq\":2,").endsWith("\"payload\":\"second \\\"quoted\\\"\"}");
            assertThat(lines.get(2)).contains("\"seq\":3,").endsWith("\"payload\":\"third\"}");
        }
    }

    @Test
    void sub_json_showsABinaryPayloadInBase64() throws Exception {
        try (CliProcess sub = CliProcess.start("sub", port(), "--topic", "bin", "--count", "1", "--json")) {
            await().until(() -> server.server().hub().find("bin") != null
                    && server.server().hub().find("bin").subscriberCount() == 1);
            server.server().broker().publish("bin", io.netty.buffer.Unpooled.wrappedBuffer(new byte[] {0, -1, 7}),
                    dev.fanout.hub.Origin.of("test"), null).join();
            assertThat(sub.awaitExit()).as("sub; stderr %s", sub.stderr()).isZero();
            assertThat(sub.stdout()).singleElement().asString()
                    .endsWith("\"payload\":\"AP8H\",\"encoding\":\"base64\"}");
        }
    }

    @Test
    void sub_fromOlderThanHeld_reportsTheGap_onStderrAndAsJson() throws Exception {
        try (TestServer small = TestServer.start(options -> options.history(5))) {
            try (CliProcess pub = CliProcess.start("pub", "127.0.0.1:" + small.frames().getPort(), "--topic", "t")) {
                pub.feed(IntStream.rangeClosed(1, 20).mapToObj(Integer::toString)
                        .collect(Collectors.joining("\n", "", "\n")));
                assertThat(pub.awaitExit()).isZero();
            }
            try (CliProcess sub = CliProcess.start("sub", "127.0.0.1:" + small.frames().getPort(), "--topic", "t",
                    "--from", "1", "--count", "5", "--json")) {
                assertThat(sub.awaitExit()).as("sub; stderr %s", sub.stderr()).isZero();
                assertThat(sub.stderr()).anyMatch(line -> line.startsWith("fanout sub: gap in t: messages 1 to 15"));
                assertThat(sub.stdout()).hasSize(6);
                assertThat(sub.stdout().get(0)).startsWith("{\"type\":\"gap\",\"topic\":\"t\"")
                        .contains("\"first\":1,\"last\":15");
                assertThat(sub.stdout().get(1)).contains("\"seq\":16,");
            }
        }
    }

    @Test
    void pub_acrossDroppedConnections_publishesEachMessageOnce() throws Exception {
        int total = 3_000;
        try (CuttingProxy proxy = new CuttingProxy(server.frames());
             CliProcess pub = CliProcess.start("pub", "127.0.0.1:" + proxy.address().getPort(), "--topic", "t")) {
            OutputStream stdin = pub.stdin();
            List<String> sent = new ArrayList<>();
            for (int part = 0; part < 3; part++) {
                // The first half is published and acknowledged; the second half's acknowledgements are held back,
                // so that the cut always finds publishes in flight, unacknowledged, however fast the machine.
                for (int half = 0; half < 2; half++) {
                    StringBuilder lines = new StringBuilder();
                    for (int i = 0; i < total / 6; i++) {
                        String line = "m" + (sent.size() + 1);
                        sent.add(line);
                        lines.append(line).append('\n');
                    }
                    proxy.holdDownstream(half == 1);
                    stdin.write(lines.toString().getBytes(StandardCharsets.UTF_8));
                    stdin.flush();
                    int expected = sent.size();
                    await().until(() -> server.server().hub().find("t") != null
                            && server.server().hub().find("t").lastSequence() >= expected);
                }
                proxy.cutAll();
                proxy.holdDownstream(false);
            }
            stdin.close();
            assertThat(pub.awaitExit()).as("pub; stderr %s", pub.stderr()).isZero();
            assertThat(proxy.accepted()).as("it reconnected after each cut").isGreaterThanOrEqualTo(4);
            assertThat(history("t")).as("each message once, in order").isEqualTo(sent);
        }
    }

    @Test
    void pub_refusedByTheServer_exitsNonZeroWithItsReason() throws Exception {
        try (TestServer full = TestServer.start(options -> options.maxTopics(1))) {
            try (CliProcess pub = CliProcess.start("pub", "127.0.0.1:" + full.frames().getPort(), "--topic",
                    "other")) {
                pub.feed("no place\n");
                assertThat(pub.awaitExit()).isEqualTo(1);
                assertThat(String.join("\n", pub.stderr())).startsWith("fanout pub: ").contains("--max-topics");
            }
        }
    }

    @Test
    void sub_jsonWithoutTopic_isAUsageError() throws Exception {
        try (CliProcess sub = CliProcess.start("sub", port(), "--json")) {
            assertThat(sub.awaitExit()).isEqualTo(2);
            assertThat(sub.stderr()).anyMatch(line -> line.contains("--from, --last and --json need --topic"));
        }
    }
}
