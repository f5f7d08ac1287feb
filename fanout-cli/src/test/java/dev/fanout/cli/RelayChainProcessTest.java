package dev.fanout.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.client.ClientOptions;
import dev.fanout.client.FanoutClient;
import dev.fanout.client.Position;
import dev.fanout.client.ReconnectOptions;
import dev.fanout.client.SubscribeOptions;
import dev.fanout.server.source.Source;
import dev.fanout.server.testing.TestServer;
import dev.fanout.source.SourceSettings;
import dev.fanout.source.SourceSpec;
import dev.fanout.source.Sources;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A chain of three real servers, A -> B -> C, where B is a {@code fanout serve} process that is killed (SIGKILL)
 * and started again with nothing in memory: a consumer of C sees every message once, in order, at A's numbers.
 */
class RelayChainProcessTest {

    private static final Pattern FRAMES = Pattern.compile("frames listener on 127\\.0\\.0\\.1:(\\d+)");
    private static final ReconnectOptions QUICK =
            new ReconnectOptions(0, Duration.ofMillis(20), Duration.ofMillis(200), 2.0, 0.2);

    private static CliProcess relayProcess(int port, int upstreamPort) {
        return CliProcess.start("serve", "--host", "127.0.0.1", "--port", String.valueOf(port), "--lines-port", "0",
                "--http-port", "0",
                "--no-console", "--source-backoff-initial", "50ms", "--source-backoff-max", "500ms",
                "--source", "fanout://127.0.0.1:" + upstreamPort + "/ticks");
    }

    private static int framesPort(CliProcess serve) {
        Matcher matcher = FRAMES.matcher(serve.awaitStderr(line -> FRAMES.matcher(line).find()));
        assertThat(matcher.find()).isTrue();
        return Integer.parseInt(matcher.group(1));
    }

    @Test
    void theMiddleServerKilledAndRestarted_aConsumerOfTheLastSeesEveryMessageOnce() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        try (TestServer a = TestServer.start();
             TestServer c = TestServer.start();
             FanoutClient publisher = FanoutClient.connect(ClientOptions.builder().address(a.frames()).build())) {
            CliProcess b = relayProcess(0, a.frames().getPort());
            int bPort = framesPort(b);
            try {
                Source cFromB = Sources.create(SourceSpec.parse("fanout://127.0.0.1:" + bPort + "/ticks"),
                        SourceSettings.DEFAULTS.withBackoff(QUICK), "lobby", InputStream.nullInputStream());
                c.server().startSource(cFromB);
                Position first = null;
                for (int i = 1; i <= 5; i++) {
                    Position at = publisher.publishAcked("ticks", ("tick " + i).getBytes(StandardCharsets.UTF_8))
                            .join();
                    first = first == null ? at : first;
                }
                long epoch = first.epoch();
                try (FanoutClient consumer = FanoutClient.connect(ClientOptions.builder().address(c.frames())
                        .reconnect(QUICK).build())) {
                    consumer.subscribe("ticks", SubscribeOptions.fromSequence(1),
                            message -> received.add(message.epoch() + ":" + message.sequence() + "=" + message.text()));
                    await().until(() -> received.size() == 5);

                    b.close();
                    b.awaitExit();
                    for (int i = 6; i <= 10; i++) {
                        publisher.publishAcked("ticks", ("tick " + i).getBytes(StandardCharsets.UTF_8)).join();
                    }
                    b = relayProcess(bPort, a.frames().getPort());
                    b.awaitStderr(line -> line.contains("connected to 127.0.0.1:" + a.frames().getPort()));
                    for (int i = 11; i <= 15; i++) {
                        publisher.publishAcked("ticks", ("tick " + i).getBytes(StandardCharsets.UTF_8)).join();
                    }

                    await().until(() -> received.size() >= 15);
                    for (int i = 1; i <= 15; i++) {
                        assertThat(received.get(i - 1)).isEqualTo(epoch + ":" + i + "=tick " + i);
                    }
                    assertThat(received).hasSize(15);
                }
            } finally {
                b.close();
            }
        }
    }
}
