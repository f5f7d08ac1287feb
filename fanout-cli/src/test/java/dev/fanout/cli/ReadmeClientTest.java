package dev.fanout.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.server.testing.RawClient;
import dev.fanout.server.testing.TestServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the Python client printed in README.md, exactly as printed, against a real server: the 20-line
 * tutorial client the docs promise must work unchanged. Needs python3, which .ci/run installs.
 */
class ReadmeClientTest {

    private static final Pattern PYTHON_BLOCK = Pattern.compile("```python\\n(.*?)```", Pattern.DOTALL);

    @Test
    void readmePythonClient_receivesEveryFrameOfTheStream(@TempDir Path dir) throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        Matcher block = PYTHON_BLOCK.matcher(readme);
        assertThat(block.find()).as("README.md has a python client").isTrue();
        Path client = Files.writeString(dir.resolve("client.py"), block.group(1));

        try (TestServer server = TestServer.start()) {
            Process python = new ProcessBuilder("python3", client.toString(),
                    String.valueOf(server.frames().getPort())).redirectErrorStream(true).start();
            List<String> printed = new CopyOnWriteArrayList<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(
                        new InputStreamReader(python.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = out.readLine()) != null; ) {
                        printed.add(line);
                    }
                } catch (java.io.IOException ended) {
                    // The process was stopped.
                }
            });
            reader.setDaemon(true);
            reader.start();
            try {
                server.awaitSessions(1);
                RawClient publisher = server.rawClient();
                publisher.send("hello");
                publisher.send("héllo wörld");
                publisher.send(new byte[0]);
                await().until(() -> printed.size() >= 3);
                assertThat(printed).containsExactly("5 bytes: hello", "13 bytes: héllo wörld", "0 bytes: ");
            } finally {
                python.destroyForcibly();
            }
        }
    }
}
