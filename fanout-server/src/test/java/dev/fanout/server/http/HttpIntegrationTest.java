package dev.fanout.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.hub.Origin;
import dev.fanout.server.session.CloseReason;
import dev.fanout.server.testing.LineClient;
import dev.fanout.server.testing.RawClient;
import dev.fanout.server.testing.StuckReader;
import dev.fanout.server.testing.TestServer;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The HTTP listener on a real server, asked by the JDK's HTTP client and by raw sockets for the bad cases. */
class HttpIntegrationTest {

    @Test
    void health_isOkWithEveryListener() {
        try (TestServer server = TestServer.start()) {
            HttpResponse<String> response = new HttpTestClient(server.http()).get("/health");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
            JsonNode health = HttpTestClient.json(response);
            assertThat(health.get("status").asString()).isEqualTo("ok");
            assertThat(health.get("listeners").get("frames").asString()).endsWith(":" + server.frames().getPort());
            assertThat(health.get("listeners").get("http").asString()).endsWith(":" + server.http().getPort());
        }
    }

    @Test
    void metrics_haveEveryFamily_andMoveWhenTrafficFlows() throws IOException {
        try (TestServer server = TestServer.start()) {
            HttpTestClient http = new HttpTestClient(server.http());
            HttpResponse<String> first = http.get("/metrics");
            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(first.headers().firstValue("Content-Type").orElseThrow())
                    .startsWith("text/plain; version=0.0.4");
            for (String family : List.of("fanout_connections", "fanout_connections_accepted_total",
                    "fanout_connections_refused_total", "fanout_connections_closed_total",
                    "fanout_messages_published_total", "fanout_published_payload_bytes_total",
                    "fanout_messages_delivered_total", "fanout_delivered_bytes_total", "fanout_messages_dropped_total",
                    "fanout_queue_budget_cuts_total", "fanout_client_queues", "fanout_client_queue_max_bytes",
                    "fanout_queued_bytes", "fanout_history_bytes", "fanout_topic_messages_in_total",
                    "fanout_topic_in_bytes_total", "fanout_topic_messages_out_total", "fanout_topics",
                    "fanout_topic_history_messages", "fanout_topic_out_bytes_total", "fanout_topic_history_bytes",
                    "fanout_publish_backlog_bytes", "fanout_netty_direct_memory_bytes", "jvm_memory_used_bytes",
                    "netty_allocator_memory_used")) {
                assertThat(first.body()).as(family).contains("# TYPE " + family + " ");
            }
            Map<String, Double> before = HttpTestClient.samples(first.body());

            RawClient reader = server.rawClient();
            LineClient talker = server.lineClient();
            talker.send("hello");
            assertThat(reader.readText()).isEqualTo("hello");

            await().atMost(TestServer.PATIENCE).untilAsserted(() -> {
                Map<String, Double> after = HttpTestClient.samples(http.get("/metrics").body());
                assertThat(after.get("fanout_messages_published_total"))
                        .isEqualTo(before.get("fanout_messages_published_total") + 1);
                assertThat(after.get("fanout_topic_messages_in_total{topic=\"lobby\"}")).isEqualTo(1.0);
                assertThat(after.get("fanout_topic_messages_out_total{topic=\"lobby\"}")).isEqualTo(1.0);
                assertThat(after.get("fanout_topic_out_bytes_total{topic=\"lobby\"}")).isEqualTo(5.0);
                assertThat(after.get("fanout_messages_delivered_total")).isGreaterThanOrEqualTo(1.0);
                assertThat(after.get("fanout_connections{protocol=\"frames\"}")).isEqualTo(1.0);
                assertThat(after.get("fanout_connections{protocol=\"lines\"}")).isEqualTo(1.0);
                assertThat(after.get("fanout_connections_accepted_total")).isEqualTo(2.0);
            });
        }
    }

    @Test
    void metrics_ofTopicsPastTheBound_areSummedUnderOther() {
        try (TestServer server = TestServer.start(options -> options.metricsTopics(1))) {
            HttpTestClient http = new HttpTestClient(server.http());
            http.get("/metrics");
            // lobby, made at start, took the one place; these two are summed.
            publish(server, "news", new byte[3]);
            publish(server, "sport", new byte[4]);

            Map<String, Double> samples = HttpTestClient.samples(http.get("/metrics").body());

            assertThat(samples.get("fanout_topic_messages_in_total{topic=\"_other\"}")).isEqualTo(32.0);
            assertThat(samples.get("fanout_topic_in_bytes_total{topic=\"_other\"}")).isEqualTo(16 * 7.0);
            assertThat(samples).doesNotContainKey("fanout_topic_messages_in_total{topic=\"news\"}");
        }
    }

    @Test
    void stats_showASlowClientsQueueGrowing_thenItsCloseReason() throws IOException {
        try (TestServer server = TestServer.start(options -> options.maxFrame(16 * 1024).queueSoftBytes(0L))) {
            HttpTestClient http = new HttpTestClient(server.http());
            Socket stuck = server.track(StuckReader.connect(server.frames()));
            server.awaitSessions(1);
            long id = server.sessionOf(stuck).id();
            // A quarter of the queue's 8 MiB a round: the socket's buffers fill first, then the queue in a few rounds.
            byte[] payload = new byte[16 * 1024];

            await().atMost(TestServer.PATIENCE).until(() -> {
                publish(server, "lobby", payload);
                JsonNode client = http.json("/stats/clients/" + id);
                return client.get("queuedBytes").asLong() > 0 && client.get("protocol").asString().equals("frames");
            });
            await().atMost(TestServer.PATIENCE).until(() -> {
                publish(server, "lobby", payload);
                return closeOf(http.json("/stats"), id) != null;
            });

            // The session goes once its connection is closed, a moment after the close (--close-grace at most).
            await().atMost(TestServer.PATIENCE).until(() -> http.json("/stats").get("clients").get("total").asInt()
                    == 0);
            JsonNode stats = http.json("/stats");
            assertThat(closeOf(stats, id).get("reason").asString()).isEqualTo("slow_consumer");
            assertThat(stats.get("server").get("closes").get("slow_consumer").asLong()).isEqualTo(1);
            assertThat(stats.get("topics").get("items").get(0).get("name").asString()).isEqualTo("lobby");
            assertThat(stats.get("topics").get("items").get(0).get("sequence").asLong()).isPositive();
            assertThat(stats.get("topics").get("items").get(0).has("messagesInPerSecond")).isTrue();
            assertThat(stats.get("topics").get("items").get(0).get("historyBytes").asLong()).isPositive();
            assertThat(stats.get("server").has("publishedPerSecond")).isTrue();
            assertThat(http.get("/stats/clients/" + id).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void stats_listEveryClient_pagedInOrder() throws IOException {
        try (TestServer server = TestServer.start()) {
            HttpTestClient http = new HttpTestClient(server.http());
            LineClient alice = server.lineClient("alice");
            server.lineClient("bob");
            server.rawClient();
            alice.send("/join news");
            alice.awaitLine(line -> line.contains("news"));

            JsonNode page = http.json("/stats?offset=1&limit=1").get("clients");

            assertThat(page.get("total").asInt()).isEqualTo(3);
            assertThat(page.get("items")).hasSize(1);
            assertThat(page.get("items").get(0).get("name").asString()).isEqualTo("bob");
            JsonNode first = http.json("/stats?limit=1").get("clients").get("items").get(0);
            assertThat(first.get("name").asString()).isEqualTo("alice");
            assertThat(first.get("topics").get(0).asString()).isEqualTo("news");
            assertThat(first.get("user").asString()).isEqualTo("anonymous");
            assertThat(first.get("connectedSince").asString()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
            assertThat(http.get("/stats?limit=5000").statusCode()).isEqualTo(400);
            assertThat(http.get("/stats?limit=5000").body()).contains("?limit=5000 must be a whole number from 0 to");
        }
    }

    @Test
    void operatorActions_kickAndSay_asTheConsoleDoes() throws IOException {
        try (TestServer server = TestServer.start()) {
            HttpTestClient http = new HttpTestClient(server.http());
            LineClient alice = server.lineClient("alice");
            LineClient bob = server.lineClient("bob");
            long bobId = server.sessionOf(bob.socket()).id();
            long aliceId = server.sessionOf(alice.socket()).id();

            HttpResponse<String> said = http.post("/clients/" + aliceId + "/say", "only for you");
            assertThat(said.statusCode()).isEqualTo(200);
            alice.awaitLine(line -> line.contains("only for you"));

            HttpResponse<String> all = http.post("/say", "maintenance at noon");
            assertThat(HttpTestClient.json(all).get("clients").asInt()).isEqualTo(2);
            bob.awaitLine(line -> line.contains("maintenance at noon"));

            HttpResponse<String> kicked = http.post("/clients/" + bobId + "/kick", "spamming");
            assertThat(kicked.statusCode()).isEqualTo(200);
            assertThat(bob.awaitEnd()).anyMatch(line -> line.contains("spamming"));
            await().atMost(TestServer.PATIENCE).until(() -> server.server().sessions().find(bobId) == null);
            assertThat(closeOf(http.json("/stats"), bobId).get("reason").asString()).isEqualTo("kicked");

            assertThat(http.post("/clients/999/kick", "").statusCode()).isEqualTo(404);
            assertThat(http.post("/say", "").statusCode()).isEqualTo(400);
            assertThat(http.post("/say", "two\nlines").statusCode()).isEqualTo(400);
        }
    }

    @Test
    void aPageOfAnotherSite_mayNotAct() {
        try (TestServer server = TestServer.start()) {
            HttpTestClient http = new HttpTestClient(server.http());

            HttpResponse<String> response = http.post("/say", "hello", "Origin", "https://evil.example");

            assertThat(response.statusCode()).isEqualTo(403);
            assertThat(response.body()).contains("a web page from another site");
            assertThat(http.post("/say", "hello", "Origin", "http://127.0.0.1:" + server.http().getPort())
                    .statusCode()).isEqualTo(200);
        }
    }

    @Test
    void operatorActions_withoutAuthBeyondLoopback_areRefused() {
        try (TestServer server = TestServer.start(options -> options.hosts(List.of("0.0.0.0")))) {
            HttpTestClient http = new HttpTestClient(server.http());

            HttpResponse<String> response = http.post("/say", "hello");

            assertThat(response.statusCode()).isEqualTo(403);
            assertThat(response.body()).contains("need an auth file on a server that listens beyond loopback");
            assertThat(http.get("/health").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void unknownPathsAndMethods_getAnAnswerThatSaysWhatThereIs() {
        try (TestServer server = TestServer.start()) {
            HttpTestClient http = new HttpTestClient(server.http());

            HttpResponse<String> missing = http.get("/nothing");
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(missing.body()).contains("GET /health", "GET /metrics", "POST /clients/{id}/kick");
            HttpResponse<String> wrongMethod = http.post("/health", "x");
            assertThat(wrongMethod.statusCode()).isEqualTo(405);
            assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("GET, HEAD");
        }
    }

    @Test
    void badRequests_areAnsweredAndClosed_andTheServerGoesOn() throws IOException {
        // A client told 413 may still send its body, so its connection stays until the request deadline.
        try (TestServer server = TestServer.start(options -> options.handshakeTimeout(java.time.Duration
                .ofSeconds(1)))) {
            assertThat(raw(server, "GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n"))
                    .startsWith("HTTP/1.1 414");
            assertThat(raw(server, "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n"))
                    .startsWith("HTTP/1.1 431");
            assertThat(raw(server, "POST /say HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n"))
                    .startsWith("HTTP/1.1 413");
            assertThat(raw(server, "\u0001\u0002garbage\r\n\r\n")).startsWith("HTTP/1.1 400");
            assertThat(new HttpTestClient(server.http()).get("/health").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aBadEscapeInThePath_isAnswered400_andNothingLeaks() throws IOException {
        try (TestServer server = TestServer.start()) {
            assertThat(raw(server, "GET /%zz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"))
                    .startsWith("HTTP/1.1 400").contains("not valid URL encoding");
            assertThat(raw(server, "POST /say?x=%e HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                    + "Content-Length: 5\r\n\r\nhello")).startsWith("HTTP/1.1 400");
        }
    }

    @Test
    void onLoopbackWithoutAuth_onlyRequestsNamingThisServerAreAnswered() throws IOException {
        try (TestServer server = TestServer.start()) {
            // A page of a name pointed at 127.0.0.1 (DNS rebinding) sends its own name as the Host.
            assertThat(raw(server, "GET /stats HTTP/1.1\r\nHost: rebind.example:" + server.http().getPort()
                    + "\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 403")
                    .contains("is not this server's");
            for (String host : List.of("localhost", "127.0.0.1", "[::1]", "app.localhost")) {
                assertThat(raw(server, "GET /health HTTP/1.1\r\nHost: " + host + ":" + server.http().getPort()
                        + "\r\nConnection: close\r\n\r\n")).as(host).startsWith("HTTP/1.1 200");
            }
        }
    }

    @Test
    void aRequestSentAByteAtATime_isClosedAtTheDeadline() throws IOException {
        try (TestServer server = TestServer.start(options -> options.handshakeTimeout(java.time.Duration
                .ofMillis(500)));
             Socket socket = new Socket(server.http().getAddress(), server.http().getPort())) {
            socket.setSoTimeout((int) TestServer.PATIENCE.toMillis());
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write("GET /health HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();

            // Headers that never end: the server closes the connection at the deadline, however often they come.
            await().atMost(TestServer.PATIENCE).until(() -> {
                try {
                    out.write('X');
                    out.flush();
                    return false;
                } catch (IOException closed) {
                    return true;
                }
            });
            assertThat(in.readAllBytes()).isEmpty();
        }
    }

    @Test
    void connectionsPastTheLimit_areAnswered503_andCounted() throws IOException {
        try (TestServer server = TestServer.start(options -> options.maxHttpConnections(2))) {
            Socket first = server.track(new Socket(server.http().getAddress(), server.http().getPort()));
            Socket second = server.track(new Socket(server.http().getAddress(), server.http().getPort()));
            await().atMost(TestServer.PATIENCE).until(() -> server.server().connectedClients() == 2);

            assertThat(raw(server, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 503")
                    .contains("too many HTTP connections (2, --max-http-connections)");
            assertThat(server.server().sessionStats().closes(CloseReason.HTTP_FULL)).isEqualTo(1);
            assertThat(second.isClosed()).isFalse();

            first.close();
            await().atMost(TestServer.PATIENCE).until(() -> new HttpTestClient(server.http()).get("/health")
                    .statusCode() == 200);
        }
    }

    /** Sends {@code request} on a socket of its own and returns everything the server sends until it closes. */
    private static String raw(TestServer server, String request) throws IOException {
        try (Socket socket = new Socket(server.http().getAddress(), server.http().getPort())) {
            socket.setSoTimeout((int) TestServer.PATIENCE.toMillis());
            try {
                socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            } catch (IOException e) {
                // The server may answer and close before the whole request is written; the answer is read below.
            }
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** Publishes {@code payload} to {@code topic} 16 times (a quarter of a MiB at 16 KiB). */
    private static void publish(TestServer server, String topic, byte[] payload) {
        for (int i = 0; i < 16; i++) {
            server.server().broker().publishAll(topic, List.of(Unpooled.wrappedBuffer(payload)), Origin.OPERATOR)
                    .join();
        }
    }

    private static JsonNode closeOf(JsonNode stats, long id) {
        for (JsonNode close : stats.get("recentCloses")) {
            if (close.get("id").asLong() == id) {
                return close;
            }
        }
        return null;
    }
}
