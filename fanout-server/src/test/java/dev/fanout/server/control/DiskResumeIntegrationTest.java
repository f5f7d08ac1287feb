package dev.fanout.server.control;

import dev.fanout.server.ServerOptions;
import dev.fanout.server.testing.TestServer;
import dev.fanout.store.disk.DiskOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every resume rule of {@link ResumeIntegrationTest} again with history on disk: replays come from the log, read
 * off the event loops, and join the live stream with no gap and no duplicate.
 */
class DiskResumeIntegrationTest extends ResumeIntegrationTest {

    /** Static, so that it is there when the superclass's field starts the first server. */
    @TempDir
    static Path root;

    @Override
    TestServer start(UnaryOperator<ServerOptions.Builder> options) {
        try {
            Path directory = Files.createTempDirectory(root, "data");
            return TestServer.start(builder -> options.apply(builder).disk(DiskOptions.in(directory)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
