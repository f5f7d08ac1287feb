package dev.fanout.server.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fanout.server.auth.AuthOptions;
import dev.fanout.server.auth.Secrets;
import dev.fanout.server.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code /ws} on a server with an auth file: logins in the hello or on the upgrade, and each user's permissions. */
class WebSocketAuthIntegrationTest {

    private static final String TOKEN = Secrets.newToken();

    @TempDir
    Path directory;
    private Path file;

    @BeforeEach
    void writeAuthFile() throws IOException {
        file = directory.resolve("users.toml");
        Files.writeString(file, """
                [anonymous]
                subscribe = ["public.>"]

                [users.alice]
                password = "%s"
                publish = ["chat.>"]
                subscribe = [">"]

                [users.feeder]
                token = "%s"
                publish = ["prices.>"]
                """.formatted(Secrets.hashPassword("wonderland".toCharArray()), Secrets.hashToken(TOKEN)));
    }

    private TestServer start() {
        return TestServer.start(builder -> builder.auth(AuthOptions.of(file)));
    }

    @Test
    void aBrowserLogsInWithItsHello_andMayDoWhatItsUserMay() throws Exception {
        try (TestServer server = start()) {
            WsTestClient alice = server.track(WsTestClient.connect(server.http()));
            alice.send("{\"type\":\"hello\",\"user\":\"alice\",\"password\":\"wonderland\"}");
            alice.next("welcome");

            alice.send("{\"type\":\"pub\",\"id\":1,\"topic\":\"chat.room\",\"data\":\"hi\"}");
            assertThat(alice.next("ack").get("id").asLong()).isEqualTo(1);
            alice.send("{\"type\":\"pub\",\"id\":2,\"topic\":\"prices.eur\",\"data\":\"1.08\"}");
            JsonNode refused = alice.next("error");
            assertThat(refused.get("code").asString()).isEqualTo("forbidden");
            assertThat(refused.get("refId").asLong()).isEqualTo(2);
        }
    }

    @Test
    void aProgramLogsInWithAuthorizationOnTheUpgrade() throws Exception {
        try (TestServer server = start()) {
            WsTestClient feeder = server.track(WsTestClient.connect(server.http(),
                    Map.of("Authorization", "Bearer " + TOKEN)));
            feeder.send("{\"type\":\"hello\",\"name\":\"feeder\"}");
            feeder.next("welcome");

            feeder.send("{\"type\":\"pub\",\"id\":1,\"topic\":\"prices.eur\",\"data\":\"1.08\"}");
            assertThat(feeder.next("ack").get("id").asLong()).isEqualTo(1);
            assertThat(server.server().sessions().all().get(0).principal().name()).isEqualTo("feeder");
        }
    }

    @Test
    void aBrowsersUpgradeCredentials_doNotLogItsPageIn() throws Exception {
        try (TestServer server = start()) {
            // A browser may send basic credentials it cached for the server with the upgrade; it sends an Origin.
            WsTestClient page = server.track(WsTestClient.connect(server.http(), Map.of("Authorization",
                    "Bearer " + TOKEN, "Origin", "http://127.0.0.1:" + server.http().getPort())));
            page.send("{\"type\":\"hello\"}");
            page.next("welcome");

            page.send("{\"type\":\"pub\",\"id\":1,\"topic\":\"prices.eur\",\"data\":\"1.08\"}");
            assertThat(page.next("error").get("code").asString()).isEqualTo("forbidden");
            assertThat(server.server().sessions().all().get(0).principal().anonymous()).isTrue();
        }
    }

    @Test
    void anonymous_mayDoOnlyWhatTheFileGrants_andAWrongSecretIsRefused() throws Exception {
        try (TestServer server = start()) {
            WsTestClient anonymous = server.track(WsTestClient.connect(server.http()));
            anonymous.send("{\"type\":\"hello\"}");
            anonymous.next("welcome");
            anonymous.send("{\"type\":\"sub\",\"id\":1,\"topic\":\"secret\"}");
            assertThat(anonymous.next("error").get("code").asString()).isEqualTo("forbidden");
            anonymous.send("{\"type\":\"sub\",\"id\":2,\"topic\":\"public.news\"}");
            assertThat(anonymous.next("subscribed").get("id").asInt()).isEqualTo(2);

            WsTestClient wrong = server.track(WsTestClient.connect(server.http()));
            wrong.send("{\"type\":\"hello\",\"user\":\"alice\",\"password\":\"looking-glass\"}");
            JsonNode refused = wrong.next("error");
            assertThat(refused.get("code").asString()).isEqualTo("unauthorized");
            assertThat(refused.get("text").asString()).contains("not logged in");
            assertThat(wrong.next("goodbye").get("reason").asString()).isEqualTo("auth_failed");
        }
    }
}
