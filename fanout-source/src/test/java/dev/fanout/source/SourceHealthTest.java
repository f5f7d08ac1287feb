package dev.fanout.source;

import static dev.fanout.source.SourceTesting.QUICK;
import static dev.fanout.source.SourceTesting.startSource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.server.source.Source;
import dev.fanout.server.source.SourceState;
import dev.fanout.server.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** {@code /health} and {@code /metrics} follow a source's upstream: ready while it is connected, 503 while not. */
class SourceHealthTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void health_turns503WhileASourceIsDown_andBackWhenItReturns() throws Exception {
        try (UpstreamServer upstream = UpstreamServer.start(connection -> connection.getInputStream().read());
             TestServer server = TestServer.start()) {
            Source source = startSource(server, upstream.tcp() + "?format=frames", QUICK);
            await().until(() -> source.status().state() == SourceState.CONNECTED);
            assertThat(get(server, "/health").statusCode()).isEqualTo(200);
            assertThat(get(server, "/metrics").body()).contains("fanout_source_up{source=\"" + source.describe()
                    + "\"} 1.0");

            upstream.stop();

            await().until(() -> get(server, "/health").statusCode() == 503);
            HttpResponse<String> down = get(server, "/health");
            assertThat(down.body()).contains("\"status\":\"unavailable\"", "source " + source.describe() + " is ");
            assertThat(get(server, "/metrics").body()).contains("fanout_source_up{source=\"" + source.describe()
                    + "\"} 0.0");

            upstream.restart();

            await().until(() -> get(server, "/health").statusCode() == 200);
        }
    }

    private HttpResponse<String> get(TestServer server, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.http().getPort() + path))
                    .timeout(TestServer.PATIENCE).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
