package dev.fanout.source;

import static org.awaitility.Awaitility.await;

import dev.fanout.client.ReconnectOptions;
import dev.fanout.server.FanoutServer;
import dev.fanout.server.source.Source;
import dev.fanout.server.testing.RawClient;
import dev.fanout.server.testing.TestServer;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** What the source tests share: quick reconnects, starting a source on a test server, the tutorial's framing. */
final class SourceTesting {

    /** Reconnects from 20 ms, doubling up to 200 ms: tests see several attempts quickly. */
    static final SourceSettings QUICK = SourceSettings.DEFAULTS.withBackoff(
            new ReconnectOptions(0, Duration.ofMillis(20), Duration.ofMillis(200), 2.0, 0.2));

    private SourceTesting() {
    }

    /** Starts the source {@code argument} names on {@code server}, with {@code settings}. */
    static Source startSource(TestServer server, String argument, SourceSettings settings) {
        return startSource(server, argument, settings, InputStream.nullInputStream());
    }

    /** Starts the source {@code argument} names on {@code server}, reading {@code stdin} if it is stdin. */
    static Source startSource(TestServer server, String argument, SourceSettings settings, InputStream stdin) {
        Source source = Sources.create(SourceSpec.parse(argument), settings,
                server.server().hub().defaultTopic(), stdin);
        server.server().startSource(source);
        return source;
    }

    /** {@code n} raw readers of the server's default topic, each subscribed before this returns. */
    static List<RawClient> readers(TestServer server, int n) {
        List<RawClient> readers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            readers.add(server.rawClient());
        }
        FanoutServer fanout = server.server();
        await().until(() -> fanout.hub().find(fanout.hub().defaultTopic()).subscriberCount() == n);
        return readers;
    }

    /** One raw reader of the server's default topic, subscribed before this returns. */
    static RawClient reader(TestServer server) {
        return readers(server, 1).get(0);
    }

    /** Writes one frame as the tutorial does: a 4-byte big-endian length, then the UTF-8 body. */
    static void writeFrame(DataOutputStream out, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        out.writeInt(body.length);
        out.write(body);
        out.flush();
    }
}
