package dev.fanout.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fanout.server.auth.AuthOptions;
import dev.fanout.server.auth.Secrets;
import dev.fanout.server.testing.TestServer;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP listener on a server with an auth file: who may read, who may act, and how refusals read. */
class HttpAuthIntegrationTest {

    private static final String OPERATOR_TOKEN = Secrets.newToken();
    private static final String MONITOR_TOKEN = Secrets.newToken();

    @TempDir
    Path directory;
    private Path file;

    @BeforeEach
    void writeAuthFile() throws IOException {
        file = directory.resolve("users.toml");
        write("");
    }

    private void write(String anonymous) throws IOException {
        Files.writeString(file, """
                %s
                [users.ops]
                token = "%s"
                operator = true

                [users.prometheus]
                token = "%s"
                monitor = true

                [users.alice]
                password = "%s"
                subscribe = [">"]
                """.formatted(anonymous, Secrets.hashToken(OPERATOR_TOKEN), Secrets.hashToken(MONITOR_TOKEN),
                Secrets.hashPassword("wonderland".toCharArray())));
    }

    private TestServer start() {
        return TestServer.start(builder -> builder.auth(AuthOptions.of(file)));
    }

    @Test
    void health_isOpen_butStatsAndMetricsAskForALogin() {
        try (TestServer server = start()) {
            HttpTestClient http = new HttpTestClient(server.http());

            assertThat(http.get("/health").statusCode()).isEqualTo(200);
            HttpResponse<String> stats = http.get("/stats");
            assertThat(stats.statusCode()).isEqualTo(401);
            assertThat(stats.headers().allValues("WWW-Authenticate")).contains("Basic realm=\"fanout\", "
                    + "charset=\"UTF-8\"", "Bearer realm=\"fanout\"");
            assertThat(stats.body()).contains("monitor = true");
            assertThat(http.get("/metrics").statusCode()).isEqualTo(401);
        }
    }

    @Test
    void aMonitor_mayRead_butNotAct() {
        try (TestServer server = start()) {
            HttpTestClient http = new HttpTestClient(server.http());

            assertThat(http.get("/stats", HttpTestClient.bearer(MONITOR_TOKEN)).statusCode()).isEqualTo(200);
            assertThat(http.get("/metrics", HttpTestClient.bearer(MONITOR_TOKEN)).statusCode()).isEqualTo(200);
            HttpResponse<String> act = http.post("/say", "hello", HttpTestClient.bearer(MONITOR_TOKEN));
            assertThat(act.statusCode()).isEqualTo(403);
            assertThat(act.body()).contains("user prometheus may not use /say: that takes operator = true");
        }
    }

    @Test
    void anOperator_mayActAndRead() {
        try (TestServer server = start()) {
            HttpTestClient http = new HttpTestClient(server.http());

            assertThat(http.post("/say", "hello", HttpTestClient.bearer(OPERATOR_TOKEN)).statusCode()).isEqualTo(200);
            assertThat(http.get("/stats", HttpTestClient.bearer(OPERATOR_TOKEN)).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aUserWithoutThePermission_isForbidden_andBadCredentialsAreRefusedAlike() {
        try (TestServer server = start()) {
            HttpTestClient http = new HttpTestClient(server.http());

            HttpResponse<String> alice = http.get("/stats", HttpTestClient.basic("alice", "wonderland"));
            assertThat(alice.statusCode()).isEqualTo(403);
            HttpResponse<String> wrong = http.get("/stats", HttpTestClient.basic("alice", "looking-glass"));
            HttpResponse<String> unknown = http.get("/stats", HttpTestClient.basic("mallory", "looking-glass"));
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(unknown.statusCode()).isEqualTo(401);
            assertThat(unknown.body()).isEqualTo(wrong.body()).contains("not logged in");
            assertThat(http.get("/stats", "Authorization", "Digest x").body())
                    .contains("the scheme Digest is not taken; use Bearer or Basic");
            assertThat(server.server().sessionStats().refusedLogins()).isEqualTo(3);
        }
    }

    @Test
    void anonymous_mayBeGrantedMonitoring() throws IOException {
        write("""
                [anonymous]
                monitor = true
                """);
        try (TestServer server = start()) {
            HttpTestClient http = new HttpTestClient(server.http());

            assertThat(http.get("/metrics").statusCode()).isEqualTo(200);
            assertThat(http.post("/say", "hello").statusCode()).isEqualTo(401);
        }
    }
}
