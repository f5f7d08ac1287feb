package dev.fanout.server.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.fanout.hub.Origin;
import dev.fanout.server.session.CloseReason;
import dev.fanout.server.session.Protocol;
import dev.fanout.server.testing.LineClient;
import dev.fanout.server.testing.TestServer;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code /ws} on a real server with Netty's WebSocket client: control mode in JSON, beside TCP clients. */
class WebSocketIntegrationTest {

    private static WsTestClient hello(TestServer server, String name) throws InterruptedException {
        WsTestClient client = server.track(WsTestClient.connect(server.http()));
        client.send("{\"type\":\"hello\",\"name\":\"" + name + "\"}");
        JsonNode welcome = client.next("welcome");
        assertThat(welcome.get("client").asLong()).isPositive();
        return client;
    }

    private static void publish(TestServer server, String topic, byte[] payload) {
        server.server().broker().publishAll(topic, List.of(Unpooled.wrappedBuffer(payload)), Origin.OPERATOR).join();
    }

    @Test
    void aBrowserAndATelnetUser_chatInTheSameRoom() throws Exception {
        try (TestServer server = TestServer.start()) {
            WsTestClient browser = hello(server, "web-alice");
            browser.send("{\"type\":\"sub\",\"id\":1,\"topic\":\"lobby\"}");
            assertThat(browser.next("subscribed").get("id").asInt()).isEqualTo(1);
            LineClient telnet = server.lineClient("bob");

            telnet.send("hello \"browser\"");
            JsonNode msg = browser.next("msg");
            assertThat(msg.get("topic").asString()).isEqualTo("lobby");
            assertThat(msg.get("data").asString()).isEqualTo("hello \"browser\"");
            assertThat(msg.get("seq").asLong()).isEqualTo(1);
            assertThat(msg.get("epoch").isString()).isTrue();

            browser.send("{\"type\":\"pub\",\"id\":7,\"topic\":\"lobby\",\"data\":\"hi bob\"}");
            JsonNode ack = browser.next("ack");
            assertThat(ack.get("id").asLong()).isEqualTo(7);
            assertThat(ack.get("seq").asLong()).isEqualTo(2);
            telnet.awaitLine(line -> line.endsWith("hi bob"));
            assertThat(server.server().sessions().all()).anyMatch(s -> s.protocol() == Protocol.WEBSOCKET
                    && s.name().equals("web-alice"));
        }
    }

    @Test
    void aResumingClient_getsHistoryThenLive_withNothingMissedOrTwice() throws Exception {
        try (TestServer server = TestServer.start()) {
            for (int i = 1; i <= 3; i++) {
                publish(server, "news", ("story " + i).getBytes(StandardCharsets.UTF_8));
            }
            WsTestClient first = hello(server, "reader");
            first.send("{\"type\":\"sub\",\"id\":1,\"topic\":\"news\",\"resume\":\"last\",\"count\":2}");
            assertThat(first.next("msg").get("data").asString()).isEqualTo("story 2");
            JsonNode third = first.next("msg");
            assertThat(third.get("data").asString()).isEqualTo("story 3");
            String epoch = third.get("epoch").asString();

            publish(server, "news", "story 4".getBytes(StandardCharsets.UTF_8));
            publish(server, "news", new byte[] {(byte) 0xff, 0, 1});
            WsTestClient again = hello(server, "reader-again");
            again.send("{\"type\":\"sub\",\"id\":5,\"topic\":\"news\",\"resume\":\"from\",\"epoch\":\"" + epoch
                    + "\",\"seq\":4}");
            JsonNode fourth = again.next("msg");
            assertThat(fourth.get("seq").asLong()).isEqualTo(4);
            assertThat(fourth.get("id").asInt()).isEqualTo(5);
            JsonNode binary = again.next("msg");
            assertThat(binary.get("data64").asString()).isEqualTo("/wAB");
            assertThat(binary.has("data")).isFalse();
        }
    }

    @Test
    void theOperator_maySpeakToABrowser() throws Exception {
        try (TestServer server = TestServer.start()) {
            WsTestClient browser = hello(server, "web-carol");
            long id = server.server().sessions().all().stream().filter(s -> s.protocol() == Protocol.WEBSOCKET)
                    .findFirst().orElseThrow().id();

            new dev.fanout.server.session.OperatorActions(server.server().sessions()).sayTo(id, "hello there");

            JsonNode text = browser.next("text");
            assertThat(text.get("from").asString()).isEqualTo("operator");
            assertThat(text.get("text").asString()).isEqualTo("hello there");
        }
    }

    @Test
    void badMessages_areAnswered_andTheStreamThatCannotBeTrustedIsClosed() throws Exception {
        try (TestServer server = TestServer.start()) {
            WsTestClient early = server.track(WsTestClient.connect(server.http()));
            early.send("{\"type\":\"sub\",\"id\":1,\"topic\":\"lobby\"}");
            assertThat(early.next("error").get("code").asString()).isEqualTo("hello_required");
            assertThat(early.next("goodbye").get("reason").asString()).isEqualTo("protocol_error");
            assertThat(early.next().toString()).isEqualTo(WsTestClient.CLOSED);

            WsTestClient client = hello(server, "mistakes");
            client.send("{\"type\":\"sub\",\"id\":1}");
            JsonNode missing = client.next("error");
            assertThat(missing.get("code").asString()).isEqualTo("malformed");
            assertThat(missing.get("text").asString()).contains("\"topic\" is missing");
            client.send("{\"type\":\"pub\",\"id\":7,\"topic\":\"a..b\",\"data\":\"x\"}");
            JsonNode badTopic = client.next("error");
            assertThat(badTopic.get("code").asString()).isEqualTo("bad_topic");
            assertThat(badTopic.get("ref").asString()).isEqualTo("publish_id");
            assertThat(badTopic.get("refId").asLong()).as("the publish refused, whose ack never comes").isEqualTo(7);
            client.send("{\"type\":\"sub\",\"id\":3,\"topic\":\"pri*\"}");
            JsonNode badFilter = client.next("error");
            assertThat(badFilter.get("code").asString()).isEqualTo("bad_topic");
            assertThat(badFilter.get("ref").asString()).isEqualTo("subscription_id");
            assertThat(badFilter.get("refId").asLong()).isEqualTo(3);

            client.send("not json at all");
            assertThat(client.next("error").get("code").asString()).isEqualTo("malformed");
            client.send("{\"type\":\"sub\",\"id\":2,\"topic\":\"lobby\"}");
            assertThat(client.next("subscribed").get("id").asInt()).as("each message stands alone").isEqualTo(2);

            client.sendBinary(new byte[] {1, 2, 3});
            assertThat(client.next("error").get("text").asString()).contains("not binary");
            assertThat(client.next("goodbye").get("reason").asString()).isEqualTo("protocol_error");
            assertThat(client.next().toString()).isEqualTo(WsTestClient.CLOSED);
            assertThat(server.server().sessionStats().closes(CloseReason.PROTOCOL_ERROR)).isEqualTo(2);
            assertThat(hello(server, "still-served")).isNotNull();
        }
    }

    @Test
    void handshakesThisServerDoesNotTake_areRefused_andTakeNoPlace() throws Exception {
        try (TestServer server = TestServer.start(options -> options.maxWebSockets(1))) {
            for (String version : List.of("99", "8")) {
                try (java.net.Socket socket = new java.net.Socket(server.http().getAddress(),
                        server.http().getPort())) {
                    socket.setSoTimeout((int) TestServer.PATIENCE.toMillis());
                    socket.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                            + "Connection: Upgrade, close\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                            + "Sec-WebSocket-Version: " + version + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                    assertThat(answer).startsWith("HTTP/1.1 403").contains("Sec-WebSocket-Version: 13");
                }
            }
            assertThat(hello(server, "the-one-place")).isNotNull();
        }
    }

    @Test
    void aMessageOverTheLimit_closesItsConnection() throws Exception {
        try (TestServer server = TestServer.start(options -> options.maxWebSocketMessage(4096))) {
            WsTestClient client = hello(server, "big");

            client.send("{\"type\":\"pub\",\"topic\":\"lobby\",\"data\":\"" + "x".repeat(10_000) + "\"}");

            assertThat(client.next("goodbye").get("reason").asString()).isEqualTo("frame_too_large");
            await().atMost(TestServer.PATIENCE).until(() ->
                    server.server().sessionStats().closes(CloseReason.FRAME_TOO_LARGE) == 1);
        }
    }

    @Test
    void aClientThatNeverSaysHello_isClosedAtTheDeadline() throws Exception {
        try (TestServer server = TestServer.start(options -> options.handshakeTimeout(Duration.ofMillis(300)))) {
            WsTestClient silent = server.track(WsTestClient.connect(server.http()));

            assertThat(silent.next("goodbye").get("text").asString()).contains("no hello within 300 ms");
            assertThat(server.server().sessionStats().closes(CloseReason.HANDSHAKE_TIMEOUT)).isEqualTo(1);
        }
    }

    @Test
    void aClientThatSaidHello_outlivesTheHttpRequestsDeadline() throws Exception {
        try (TestServer server = TestServer.start(options -> options.handshakeTimeout(Duration.ofMillis(300)))) {
            hello(server, "stays");
            dev.fanout.server.session.Session session = server.server().sessions().all().get(0);

            assertThat(session.channel().pipeline().names()).doesNotContain("deadline", "idle", "router",
                    "aggregator");
            await().during(Duration.ofMillis(900)).atMost(TestServer.PATIENCE).until(() -> !session.isClosed());
        }
    }

    @Test
    void aPageOfAnotherSite_mayNotConnect_unlessAllowed() throws Exception {
        try (TestServer server = TestServer.start(options -> options.webSocketOrigins(
                List.of("https://app.example")))) {
            assertThatThrownBy(() -> WsTestClient.connect(server.http(), "https://evil.example"))
                    .hasMessageContaining("handshake failed");
            WsTestClient allowed = server.track(WsTestClient.connect(server.http(), "https://app.example"));
            allowed.send("{\"type\":\"hello\"}");
            assertThat(allowed.next("welcome")).isNotNull();
        }
    }

    @Test
    void aBrowserThatDoesNotRead_isCutAsASlowConsumer() throws Exception {
        try (TestServer server = TestServer.start(options -> options.maxFrame(16 * 1024).queueBytes(256 * 1024)
                .queueSoftBytes(0L))) {
            WsTestClient stuck = hello(server, "stuck");
            stuck.send("{\"type\":\"sub\",\"id\":1,\"topic\":\"firehose\"}");
            stuck.next("subscribed");
            stuck.channel().config().setAutoRead(false);
            byte[] payload = new byte[16 * 1024];

            await().atMost(TestServer.PATIENCE).until(() -> {
                publish(server, "firehose", payload);
                return server.server().sessionStats().closes(CloseReason.SLOW_CONSUMER) == 1;
            });
        }
    }
}
