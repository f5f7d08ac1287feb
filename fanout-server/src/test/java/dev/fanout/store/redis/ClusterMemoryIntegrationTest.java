package dev.fanout.store.redis;

import static dev.fanout.store.redis.ClusterIntegrationTest.from;
import static dev.fanout.store.redis.ClusterIntegrationTest.pub;
import static dev.fanout.store.redis.ClusterIntegrationTest.uncheck;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.protocol.ByteSize;
import dev.fanout.protocol.control.ControlFrame;
import dev.fanout.server.session.QueueBudget;
import dev.fanout.server.testing.ControlClient;
import dev.fanout.server.testing.RedisProcess;
import dev.fanout.server.testing.TestServer;
import io.netty.buffer.Unpooled;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cluster node under misbehaving clients: many that resume from the start of a long history and never read,
 * beside a publisher that does not wait for its acknowledgements. What they make the node hold (replayed history,
 * live messages kept for the seam, queued messages) stays within its server-wide budget, and a well-behaved
 * client resuming on the same node meanwhile gets every message, in order, once.
 *
 * <p>It found two defects. The node's own publishes on their way to Redis filled the publish backlog, so that
 * their coming back was let go and read from Redis again, losing the race with the flood. And a replay read that
 * completed later sent its messages before moving past them: the flush could make the connection writable at
 * once, which pumped again from inside the send and read the same chunk twice (duplicates, or a false GAP).
 */
class ClusterMemoryIntegrationTest {

    private static final Logger log = LoggerFactory.getLogger(ClusterMemoryIntegrationTest.class);

    private static final long BUDGET = 4L * 1024 * 1024;
    /** What the sessions being cut still hold is lent to the others until their event loops closed them. */
    private static final long CHARGE_SLACK = BUDGET / 8;
    private static final int STALLED = 40;
    private static final int MESSAGES = 20_000;
    private static final int SIZE = 4_096;
    /** Small, so that the kernel takes little of what a stalled client is sent and the server holds the rest. */
    private static final int RECEIVE_BUFFER = 4_096;

    @TempDir
    Path directory;
    private RedisProcess redis;
    private TestServer node;

    @BeforeEach
    void startRedis() {
        redis = RedisProcess.start(directory);
    }

    @AfterEach
    void stopAll() {
        if (node != null) {
            node.close();
        }
        redis.close();
    }

    @Test
    void stalledClientsResumingFromTheStart_whileAPublisherFloodsTheNode_stayWithinItsBudget() throws Exception {
        RedisOptions options = RedisOptions.of(RedisTarget.parse(redis.uri()));
        node = TestServer.start(builder -> builder.history(MESSAGES * 2).historyBytes(MESSAGES * 2L * SIZE)
                .queueBytes(BUDGET / 4).totalQueueBytes(BUDGET).redis(options));
        QueueBudget budget = node.server().queueBudget();
        byte[] body = new byte[SIZE];

        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        AtomicLong peak = new AtomicLong();
        sampler.scheduleAtFixedRate(() -> peak.accumulateAndGet(budget.chargedBytes(), Math::max), 0, 1,
                TimeUnit.MILLISECONDS);
        try (ControlClient writer = node.track(ControlClient.connect(node.frames()));
             ControlClient reader = node.track(ControlClient.connect(node.frames()))) {
            writer.send(pub(1, "flood", "first"));
            long epoch = writer.read(ControlFrame.Ack.class).epoch();

            CompletableFuture<Void> publisher = CompletableFuture.runAsync(() -> uncheck(() -> {
                for (int i = 0; i < MESSAGES; i++) {
                    writer.send(new ControlFrame.Pub(0, "flood", Unpooled.wrappedBuffer(body)));
                }
                return null;
            }));
            for (int i = 0; i < STALLED; i++) {
                node.track(ControlClient.connect(node.frames(), RECEIVE_BUFFER)).send(from(1, "flood", epoch, 1));
            }
            // Resumes while the flood goes on: replays from Redis beside the stalled ones, then meets the live stream.
            reader.send(from(1, "flood", epoch, 2));
            reader.read(ControlFrame.Subscribed.class);
            List<ControlFrame.Msg> got = reader.readMessages(MESSAGES);
            publisher.get();
            assertThat(got).extracting(ControlFrame.Msg::sequence)
                    .containsExactlyElementsOf(LongStream.rangeClosed(2, MESSAGES + 1).boxed().toList());
        } finally {
            sampler.shutdownNow();
        }
        log.info("budget charge peaked at {} of {}; {} cut", ByteSize.format(peak.get()), ByteSize.format(BUDGET),
                budget.cuts());
        assertThat(peak.get()).as("peak charge against a budget of %s", ByteSize.format(BUDGET))
                .isLessThanOrEqualTo(BUDGET + CHARGE_SLACK);
        assertThat(budget.cuts()).as("the stalled clients met the budget").isPositive();
        await().atMost(TestServer.PATIENCE).until(() -> budget.chargedBytes() <= BUDGET);
    }
}
