package dev.fanout.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.hub.Message;
import dev.fanout.hub.Origin;
import dev.fanout.hub.TopicState;
import dev.fanout.server.testing.RedisProcess;
import dev.fanout.server.testing.TestServer;
import dev.fanout.store.HistoryLimits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A topic's log in a real Redis: what it keeps under each history bound (messages, bytes, age), one message at a
 * time and many in one publish, with its byte count what the log really holds; and reads bounded in Redis by
 * count and bytes.
 */
class RedisLogTest {

    private static final Origin ORIGIN = Origin.of("trim-test");

    @TempDir
    Path directory;
    private RedisProcess redis;
    private RedisHistory history;

    @AfterEach
    void stop() {
        if (history != null) {
            history.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private void start(HistoryLimits limits) {
        redis = RedisProcess.start(directory);
        history = RedisHistory.open(RedisOptions.of(RedisTarget.parse(redis.uri())), limits, Duration.ofMinutes(2));
    }

    /** Publishes {@code texts} in one publish (one script run). */
    private void publish(String topic, String... texts) {
        List<ByteBuf> payloads = new ArrayList<>();
        for (String text : texts) {
            payloads.add(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
        }
        history.publish(topic, payloads, ORIGIN, null).join();
    }

    private TopicState state(String topic) {
        return history.state(topic).join();
    }

    /** The payload bytes Redis counts for the topic's log. */
    private long countedBytes(String topic) {
        return Long.parseLong(redis.command("HGET", "fanout:{" + topic + "}:meta", "b"));
    }

    private long logLength(String topic) {
        return Long.parseLong(redis.command("XLEN", "fanout:{" + topic + "}:log"));
    }

    @Test
    void aMessageBound_keepsTheNewest_oneAtATime_andManyInOnePublish() {
        start(new HistoryLimits(3, Long.MAX_VALUE, Long.MAX_VALUE));
        for (int i = 1; i <= 10; i++) {
            publish("t", "0123456789");
        }
        assertThat(state("t")).extracting(TopicState::first, TopicState::last).containsExactly(8L, 10L);
        assertThat(logLength("t")).isEqualTo(3);
        assertThat(countedBytes("t")).isEqualTo(30);

        publish("t", "a", "b", "c", "d", "e");

        assertThat(state("t")).extracting(TopicState::first, TopicState::last).containsExactly(13L, 15L);
        assertThat(logLength("t")).isEqualTo(3);
        assertThat(countedBytes("t")).isEqualTo(3);
    }

    @Test
    void aByteBound_letsGoOfAsManyOfTheOldestAsItTakes() {
        start(new HistoryLimits(1_000, 25, Long.MAX_VALUE));
        for (int i = 1; i <= 4; i++) {
            publish("t", "0123456789");
        }
        assertThat(state("t").first()).isEqualTo(3);
        assertThat(countedBytes("t")).isEqualTo(20);

        publish("t", "x".repeat(24));

        assertThat(state("t")).extracting(TopicState::first, TopicState::last).containsExactly(5L, 5L);
        assertThat(logLength("t")).isEqualTo(1);
        assertThat(countedBytes("t")).isEqualTo(24);
    }

    @Test
    void anAgeBound_letsGoOfWhatIsOlder_atTheNextPublish() {
        start(new HistoryLimits(1_000, Long.MAX_VALUE, Long.MAX_VALUE, Duration.ofMillis(300)));
        publish("t", "old", "older");
        assertThat(state("t").first()).isEqualTo(1);

        await().atMost(TestServer.PATIENCE).pollInterval(Duration.ofMillis(100)).until(() -> {
            publish("t", "new");
            return state("t").first() > 2;
        });

        TopicState state = state("t");
        assertThat(logLength("t")).isEqualTo(state.last() - state.first() + 1);
        assertThat(countedBytes("t")).isEqualTo(3 * logLength("t"));
    }

    @Test
    void aRead_stopsAtItsByteBound_inRedis_yetReturnsAtLeastOneMessage() {
        start(new HistoryLimits(1_000, Long.MAX_VALUE, Long.MAX_VALUE));
        for (int i = 1; i <= 200; i++) {
            publish("t", "0123456789");
        }

        assertThat(read("t", 1, 100, 25)).containsExactly(1L, 2L);
        assertThat(read("t", 3, 100, 5)).as("one larger than the bound").containsExactly(3L);
        assertThat(read("t", 1, 150, Long.MAX_VALUE)).as("past the script's chunk of 64").hasSize(150)
                .startsWith(1L).endsWith(150L);
        assertThat(read("t", 190, 100, Long.MAX_VALUE)).hasSize(11).endsWith(200L);
    }

    /** The sequences a read returns; the messages are released. */
    private List<Long> read(String topic, long from, int count, long maxBytes) {
        List<Message> messages = history.read(topic, from, count, maxBytes).join();
        List<Long> sequences = messages.stream().map(Message::sequence).toList();
        messages.forEach(Message::release);
        return sequences;
    }
}
