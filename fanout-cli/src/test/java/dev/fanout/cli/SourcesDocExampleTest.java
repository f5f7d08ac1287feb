package dev.fanout.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.client.ClientOptions;
import dev.fanout.client.FanoutClient;
import dev.fanout.client.SubscribeOptions;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the tutorial upstream printed in docs/sources.md, exactly as printed but for its port, and a
 * {@code fanout serve --source tcp://...} process in front of it, as the page tells: its ticks reach a client.
 * Needs python3, which ./test installs.
 */
class SourcesDocExampleTest {

    private static final Pattern PYTHON_BLOCK = Pattern.compile("```python\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern FRAMES = Pattern.compile("frames listener on 127\\.0\\.0\\.1:(\\d+)");

    @Test
    void theTutorialUpstreamOfSourcesMd_feedsATopic(@TempDir Path dir) throws Exception {
        Matcher block = PYTHON_BLOCK.matcher(Files.readString(Path.of("..", "docs", "sources.md")));
        assertThat(block.find()).as("docs/sources.md has a python upstream").isTrue();
        assertThat(block.group(1)).contains("(\"127.0.0.1\", 9000)");
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path upstream = Files.writeString(dir.resolve("upstream.py"),
                block.group(1).replace("(\"127.0.0.1\", 9000)", "(\"127.0.0.1\", " + port + ")"));
        Process python = new ProcessBuilder("python3", upstream.toString()).redirectErrorStream(true).start();
        List<String> received = new CopyOnWriteArrayList<>();
        try (CliProcess serve = CliProcess.start("serve", "--host", "127.0.0.1", "--port", "0", "--lines-port", "0",
                "--http-port", "0",
                "--no-console", "--source-backoff-initial", "50ms", "--source-backoff-max", "200ms",
                "--source", "ticks=tcp://127.0.0.1:" + port + "?format=frames")) {
            Matcher frames = FRAMES.matcher(serve.awaitStderr(line -> FRAMES.matcher(line).find()));
            assertThat(frames.find()).isTrue();
            try (FanoutClient client = FanoutClient.connect(ClientOptions.builder()
                    .address("127.0.0.1", Integer.parseInt(frames.group(1))).build())) {
                client.subscribe("ticks", SubscribeOptions.fromSequence(1), message -> received.add(message.text()));
                await().until(() -> received.size() >= 2);
            }
            assertThat(received.subList(0, 2)).containsExactly("tick 1", "tick 2");
            assertThat(serve.stderr()).anyMatch(line -> line.contains("source ticks=tcp://127.0.0.1:" + port
                    + " (frames): connected to 127.0.0.1:" + port));
        } finally {
            python.destroyForcibly();
        }
    }
}
