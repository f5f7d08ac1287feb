package dev.fanout.server.control;

import dev.fanout.server.ServerOptions;
import dev.fanout.server.testing.RedisProcess;
import dev.fanout.server.testing.TestServer;
import dev.fanout.store.redis.RedisOptions;
import dev.fanout.store.redis.RedisTarget;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every resume rule of {@link ResumeIntegrationTest} again on a cluster node whose history is in a real Redis: the
 * numbering comes from the topic script, replays from the topic's stream, and live messages come back from Redis's
 * channel, meeting the replay with no gap and no duplicate.
 */
class RedisResumeIntegrationTest extends ResumeIntegrationTest {

    @TempDir
    static Path root;
    /** One Redis for the class, emptied before each test's server starts. */
    private static RedisProcess redis;

    @Override
    TestServer start(UnaryOperator<ServerOptions.Builder> options) {
        if (redis == null) {
            redis = RedisProcess.start(root);
        }
        redis.command("FLUSHALL");
        return TestServer.start(builder -> options.apply(builder)
                .redis(RedisOptions.of(RedisTarget.parse(redis.uri()))));
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
            redis = null;
        }
    }
}
