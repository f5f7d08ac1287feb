package dev.fanout.source;

import static dev.fanout.source.SourceTesting.QUICK;
import static dev.fanout.source.SourceTesting.readers;
import static dev.fanout.source.SourceTesting.startSource;
import static dev.fanout.source.StreamingHttpServer.holdOpen;
import static dev.fanout.source.StreamingHttpServer.send;
import static dev.fanout.source.StreamingHttpServer.stream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.fanout.client.ReconnectOptions;
import dev.fanout.server.source.Source;
import dev.fanout.server.source.SourceState;
import dev.fanout.server.testing.LogCapture;
import dev.fanout.server.testing.RawClient;
import dev.fanout.server.testing.TestServer;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpSourceTest {

    @TempDir
    Path dir;


    @Test
    void serverSentEvents_eachEventIsOneMessage_inOrder_atManyClients() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        try (StreamingHttpServer http = StreamingHttpServer.start((exchange, n) -> {
                go.await();
                OutputStream out = stream(exchange, "text/event-stream; charset=utf-8");
                send(out, "\uFEFF: a comment, ignored\n\n");
                send(out, "data: first\n\n");
                send(out, "event: update\nid: 2\ndata: two\ndata:  lines\n\n");
                send(out, "data:no space\r\n\r\n");
                send(out, "data: cr only\r\r");
                send(out, "id: 5\n\n");
                send(out, "retry: 2500\ndata\n\n");
                send(out, "data: {\"price\": 10}\n\n");
                holdOpen(out);
            });
             TestServer server = TestServer.start()) {
            Source source = startSource(server, http.url("/events"), QUICK);
            await().until(() -> http.requests() == 1);
            List<RawClient> readers = readers(server, 5);

            go.countDown();

            for (RawClient reader : readers) {
                assertThat(reader.readText()).isEqualTo("first");
                assertThat(reader.readText()).isEqualTo("two\n lines");
                assertThat(reader.readText()).isEqualTo("no space");
                assertThat(reader.readText()).isEqualTo("cr only");
                // "data" alone is an empty data line: an event with empty data is still an event.
                assertThat(reader.readText()).isEqualTo("");
                assertThat(reader.readText()).isEqualTo("{\"price\": 10}");
            }
            assertThat(source.describe()).isEqualTo(http.url("/events"));
            assertThat(source.status().state()).isEqualTo(SourceState.CONNECTED);
            assertThat(source.status().detail()).endsWith("(sse)");
            assertThat(http.headers(1).getFirst("Accept")).startsWith("text/event-stream");
        }
    }

    @Test
    void serverSentEvents_resumeWithLastEventId_afterTheStreamEnds() throws Exception {
        try (StreamingHttpServer http = StreamingHttpServer.start((exchange, n) -> {
                OutputStream out = stream(exchange, "text/event-stream");
                String last = exchange.getRequestHeaders().getFirst("Last-Event-ID");
                int from = last == null ? 1 : Integer.parseInt(last) + 1;
                for (int i = from; i < from + 3; i++) {
                    send(out, "id: " + i + "\ndata: event " + i + "\n\n");
                }
                if (n > 1) {
                    holdOpen(out);
                }
            });
             TestServer server = TestServer.start();
             LogCapture logs = LogCapture.of(SupervisedSource.class)) {
            RawClient reader = readers(server, 1).get(0);
            startSource(server, http.url("/events"), QUICK);

            for (int i = 1; i <= 6; i++) {
                assertThat(reader.readText()).isEqualTo("event " + i);
            }
            assertThat(http.headers(1).containsKey("Last-Event-ID")).isFalse();
            assertThat(http.headers(2).getFirst("Last-Event-ID")).isEqualTo("3");
            assertThat(http.mostOpen()).isEqualTo(1);
            assertThat(logs.messages(Level.WARN)).anyMatch(m -> m.contains("lost: the upstream ended the response"));
        }
    }

    @Test
    void ndjson_eachLineIsOneMessage_blankLinesSkipped() throws Exception {
        try (StreamingHttpServer http = StreamingHttpServer.start((exchange, n) -> {
                OutputStream out = stream(exchange, "application/x-ndjson");
                send(out, "{\"a\":1}\n\n{\"b\":");
                send(out, "[2,3]}\r\n\"text\"\n42\n");
                holdOpen(out, "\n");
            });
             TestServer server = TestServer.start()) {
            RawClient reader = readers(server, 1).get(0);
            Source source = startSource(server, http.url("/feed"), QUICK);

            assertThat(reader.readText()).isEqualTo("{\"a\":1}");
            assertThat(reader.readText()).isEqualTo("{\"b\":[2,3]}");
            assertThat(reader.readText()).isEqualTo("\"text\"");
            assertThat(reader.readText()).isEqualTo("42");
            await().until(() -> source.status().lastHeard() != null);
            assertThat(source.status().messages()).isEqualTo(4);
        }
    }

    @Test
    void ndjson_aLineThatIsNotJson_dropsTheConnection_andTheSourceReconnects() throws Exception {
        try (StreamingHttpServer http = StreamingHttpServer.start((exchange, n) -> {
                OutputStream out = stream(exchange, "application/x-ndjson");
                send(out, "{\"n\":" + n + "}\n");
                if (n == 1) {
                    send(out, "{not json\n{\"never\":true}\n");
                }
                holdOpen(out, "\n");
            });
             TestServer server = TestServer.start();
             LogCapture logs = LogCapture.of(SupervisedSource.class)) {
            RawClient reader = readers(server, 1).get(0);
            startSource(server, http.url("/feed"), QUICK);

            assertThat(reader.readText()).isEqualTo("{\"n\":1}");
            assertThat(reader.readText()).isEqualTo("{\"n\":2}");
            assertThat(logs.messages(Level.WARN)).anyMatch(m -> m.contains("lost: line 2 is not JSON"));
        }
    }

    @Test
    void chunkedText_eachLineIsOneMessage_andFormatOverridesTheContentType() throws Exception {
        try (StreamingHttpServer http = StreamingHttpServer.start((exchange, n) -> {
                OutputStream out = stream(exchange, "application/octet-stream");
                send(out, "alpha\nbe");
                send(out, "ta\n\ngamma\n");
                holdOpen(out, "\r\n");
            });
             TestServer server = TestServer.start()) {
            RawClient reader = readers(server, 1).get(0);
            startSource(server, http.url("/log?level=info&format=lines"), QUICK);

            assertThat(reader.readText()).isEqualTo("alpha");
            assertThat(reader.readText()).isEqualTo("beta");
            assertThat(reader.readText()).isEqualTo("gamma");
            assertThat(http.headers(1).getFirst("Accept")).startsWith("text/plain");
        }
    }

    @Test
    void anUnknownContentType_isRefusedWithAHint() {
        try (StreamingHttpServer http = StreamingHttpServer.start((exchange, n) -> {
                OutputStream out = stream(exchange, "application/octet-stream");
                holdOpen(out, "x");
            });
             TestServer server = TestServer.start();
             LogCapture logs = LogCapture.of(SupervisedSource.class)) {
            startSource(server, http.url("/bin"), QUICK);

            await().until(() -> logs.messages(Level.WARN).stream().anyMatch(m -> m.contains("content type "
                    + "application/octet-stream is not a stream fanout reads; add ?format=sse, ndjson or lines")));
        }
    }

    @Test
    void headersAndBearerToken_areSent_andNeverLogged() throws Exception {
        try (StreamingHttpServer http = StreamingHttpServer.start((exchange, n) -> {
                if (n == 1) {
                    exchange.sendResponseHeaders(503, -1);
                    return;
                }
                OutputStream out = stream(exchange, "text/event-stream");
                send(out, "data: welcome\n\n");
                holdOpen(out);
            });
             TestServer server = TestServer.start();
             LogCapture logs = LogCapture.of(SupervisedSource.class, HttpUpstream.class, SourcePublisher.class)) {
            RawClient reader = readers(server, 1).get(0);
            startSource(server, http.url("/private?key=s3cr3t-query"),
                    QUICK.withHttp(Map.of("X-Api-Key", "s3cr3t-header"), "s3cr3t-token"));

            assertThat(reader.readText()).isEqualTo("welcome");
            assertThat(http.headers(2).getFirst("Authorization")).isEqualTo("Bearer s3cr3t-token");
            assertThat(http.headers(2).getFirst("X-Api-Key")).isEqualTo("s3cr3t-header");
            assertThat(logs.messages(Level.WARN)).anyMatch(m -> m.contains("could not connect: HTTP 503"));
            for (Level level : List.of(Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR)) {
                assertThat(logs.messages(level)).noneMatch(m -> m.contains("s3cr3t"));
            }
            assertThat(server.server().sources().get(0).describe()).isEqualTo(
                    http.url("/private?..."));
        }
    }

    @Test
    void redirects_areFollowed() throws Exception {
        try (StreamingHttpServer http = StreamingHttpServer.start((exchange, n) -> {
                if (exchange.getRequestURI().getPath().equals("/old")) {
                    exchange.getResponseHeaders().set("Location", "/new");
                    exchange.sendResponseHeaders(307, -1);
                    return;
                }
                OutputStream out = stream(exchange, "text/event-stream");
                send(out, "data: from " + exchange.getRequestURI().getPath() + "\n\n");
                holdOpen(out);
            });
             TestServer server = TestServer.start()) {
            RawClient reader = readers(server, 1).get(0);
            startSource(server, http.url("/old"), QUICK);

            assertThat(reader.readText()).isEqualTo("from /new");
        }
    }

    @Test
    void https_withTheUpstreamsCertificateTrusted_streams() throws Exception {
        TestCertificate certificate = TestCertificate.make(dir, "dns:localhost,ip:127.0.0.1");
        try (StreamingHttpServer https = StreamingHttpServer.startTls((exchange, n) -> {
                OutputStream out = stream(exchange, "text/event-stream");
                send(out, "data: over tls\n\n");
                holdOpen(out);
            }, certificate.serverContext());
             TestServer server = TestServer.start()) {
            RawClient reader = readers(server, 1).get(0);
            startSource(server, https.url("/events"), QUICK.withTrustedCerts(certificate.pem()));

            assertThat(reader.readText()).isEqualTo("over tls");
        }
    }

    @Test
    void https_anUntrustedCertificate_orAnotherHostsName_isRefusedWithTheReason() throws Exception {
        TestCertificate otherName = TestCertificate.make(dir, "dns:elsewhere.example");
        try (StreamingHttpServer https = StreamingHttpServer.startTls((exchange, n) -> {
                OutputStream out = stream(exchange, "text/event-stream");
                send(out, "data: must not arrive\n\n");
                holdOpen(out);
            }, otherName.serverContext());
             TestServer server = TestServer.start();
             LogCapture logs = LogCapture.of(SupervisedSource.class)) {
            Source untrusted = startSource(server, https.url("/a"), QUICK);
            Source wrongName = startSource(server, https.url("/b"), QUICK.withTrustedCerts(otherName.pem()));

            await().until(() -> logs.messages(Level.WARN).stream().filter(m -> m.contains("could not connect"))
                    .count() >= 2);
            assertThat(logs.messages(Level.WARN)).anyMatch(m -> m.contains("/a") && m.contains("could not connect")
                    && m.contains("certificate is not trusted") && m.contains("--source-ca"));
            assertThat(logs.messages(Level.WARN)).anyMatch(m -> m.contains("/b") && m.contains("could not connect")
                    && m.contains("127.0.0.1"));
            assertThat(untrusted.status().messages()).isZero();
            assertThat(wrongName.status().messages()).isZero();
        }
    }

    @Test
    void upstreamStoppedAndStartedAgain_theSourceReconnects() throws Exception {
        StreamingHttpServer.Responder responder = (exchange, n) -> {
            OutputStream out = stream(exchange, "text/event-stream");
            send(out, "data: hello " + n + "\n\n");
            holdOpen(out);
        };
        StreamingHttpServer http = StreamingHttpServer.start(responder);
        try (TestServer server = TestServer.start();
             LogCapture logs = LogCapture.of(SupervisedSource.class)) {
            RawClient reader = readers(server, 1).get(0);
            Source source = startSource(server, http.url("/events"), QUICK);
            assertThat(reader.readText()).isEqualTo("hello 1");

            int port = http.port();
            http.close();
            await().until(() -> logs.messages(Level.WARN).stream().filter(m -> m.contains("could not connect"))
                    .count() >= 2);
            http = StreamingHttpServer.start(responder, port);

            assertThat(reader.readText()).isEqualTo("hello 1");
            await().until(() -> source.status().state() == SourceState.CONNECTED);
            assertThat(source.status().connects()).isEqualTo(2);
        } finally {
            http.close();
        }
    }

    @Test
    void aRedirectToAnotherOrigin_isFollowed_fromHttpToHttps_withoutTheCredentials() throws Exception {
        TestCertificate certificate = TestCertificate.make(dir, "dns:localhost,ip:127.0.0.1");
        try (StreamingHttpServer https = StreamingHttpServer.startTls((exchange, n) -> {
                OutputStream out = stream(exchange, "text/event-stream");
                send(out, "data: moved\n\n");
                holdOpen(out);
            }, certificate.serverContext());
             StreamingHttpServer http = StreamingHttpServer.start((exchange, n) -> {
                 exchange.getResponseHeaders().set("Location", https.url("/new"));
                 exchange.sendResponseHeaders(302, -1);
             });
             TestServer server = TestServer.start()) {
            RawClient reader = readers(server, 1).get(0);
            startSource(server, http.url("/old"), QUICK.withTrustedCerts(certificate.pem())
                    .withHttp(Map.of("X-Api-Key", "key"), "token"));

            assertThat(reader.readText()).isEqualTo("moved");
            assertThat(http.headers(1).getFirst("Authorization")).isEqualTo("Bearer token");
            assertThat(https.headers(1).containsKey("Authorization")).isFalse();
            assertThat(https.headers(1).containsKey("X-api-key")).isFalse();
        }
    }

    @Test
    void aRedirectFromHttpsToHttp_isRefused() throws Exception {
        TestCertificate certificate = TestCertificate.make(dir, "dns:localhost,ip:127.0.0.1");
        try (StreamingHttpServer https = StreamingHttpServer.startTls((exchange, n) -> {
                exchange.getResponseHeaders().set("Location", "http://127.0.0.1:9/plain");
                exchange.sendResponseHeaders(301, -1);
            }, certificate.serverContext());
             TestServer server = TestServer.start();
             LogCapture logs = LogCapture.of(SupervisedSource.class)) {
            startSource(server, https.url("/secure"), QUICK.withTrustedCerts(certificate.pem()));

            await().until(() -> logs.messages(Level.WARN).stream().anyMatch(m -> m.contains("from https to http")
                    && m.contains("refused, it would drop TLS")));
        }
    }

    @Test
    void anUpstreamsRetry_isHonouredOnce_atMostTheLongestWait() throws Exception {
        try (StreamingHttpServer http = StreamingHttpServer.start((exchange, n) -> {
                OutputStream out = stream(exchange, "text/event-stream");
                send(out, "retry: 999999999999999999\ndata: run " + n + "\n\n");
            });
             TestServer server = TestServer.start(); LogCapture logs = LogCapture.of(SupervisedSource.class)) {
            RawClient reader = readers(server, 1).get(0);
            startSource(server, http.url("/events"), QUICK.withBackoff(new ReconnectOptions(0, Duration.ofMillis(20),
                    Duration.ofMillis(300), 2.0, 0)));

            assertThat(reader.readText()).isEqualTo("run 1");
            assertThat(reader.readText()).isEqualTo("run 2");
            assertThat(logs.messages(Level.WARN)).anyMatch(m -> m.endsWith("retrying in 300 ms"));
        }
    }
}
