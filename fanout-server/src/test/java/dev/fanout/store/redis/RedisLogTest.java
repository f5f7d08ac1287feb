package dev.fanout.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.fanout.hub.Message;
import dev.fanout.hub.Origin;
import dev.fanout.hub.Position;
import dev.fanout.hub.PublishRefusedException;
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
import java.util.stream.LongStream;
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
        return Long.parseLong(redis.command("HGET", "fanout:v2:{" + topic + "}:meta", "b"));
    }

    /**
     * Checks what the topic's log holds: messages {@code first} to {@code last}, in {@code entries} stream entries,
     * {@code bytes} of payload as Redis counts them.
     */
    private void assertHeld(String topic, long first, long last, long entries, long bytes) {
        assertThat(state(topic)).extracting(TopicState::first, TopicState::last).containsExactly(first, last);
        assertThat(logLength(topic)).as("stream entries").isEqualTo(entries);
        assertThat(countedBytes(topic)).as("payload bytes counted").isEqualTo(bytes);
    }

    private long logLength(String topic) {
        return Long.parseLong(redis.command("XLEN", "fanout:v2:{" + topic + "}:log"));
    }

    @Test
    void aMessageBound_keepsTheNewest_oneAtATime_andManyInOnePublish() {
        start(new HistoryLimits(3, Long.MAX_VALUE, Long.MAX_VALUE));
        for (int i = 1; i <= 10; i++) {
            publish("t", "0123456789");
        }
        assertHeld("t", 8, 10, 3, 30);

        publish("t", "a", "b", "c", "d", "e");

        // The burst's entry, its oldest two no longer held.
        assertHeld("t", 13, 15, 1, 3);
        assertThat(read("t", 1, 100, Long.MAX_VALUE)).containsExactly(13L, 14L, 15L);
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

        assertHeld("t", 5, 5, 1, 24);
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

    @Test
    void aBurstIsOneEntry_yetTrimmedAndReadMessageByMessage() {
        start(new HistoryLimits(25, 45, Long.MAX_VALUE));
        for (int burst = 0; burst < 3; burst++) {
            publish("t", "0123", "0123", "0123", "0123", "0123", "0123", "0123", "0123", "0123", "0123");
        }

        // 45 bytes hold 11 of the 4-byte messages: the last burst, and the last message of the one before.
        assertHeld("t", 20, 30, 2, 44);
        assertThat(read("t", 1, 100, Long.MAX_VALUE)).containsExactlyElementsOf(
                LongStream.rangeClosed(20, 30).boxed().toList());
        assertThat(read("t", 25, 3, Long.MAX_VALUE)).as("from the middle of a burst").containsExactly(25L, 26L, 27L);
        assertThat(read("t", 18, 5, 8)).as("the next burst is past the byte bound").containsExactly(20L);
        List<Message> messages = history.read("t", 29, 10, Long.MAX_VALUE).join();
        assertThat(messages).extracting(m -> m.payload().toString(StandardCharsets.UTF_8)).containsExactly("0123",
                "0123");
        messages.forEach(Message::release);

        publish("t", "x".repeat(44));

        assertHeld("t", 31, 31, 1, 44);
    }

    @Test
    void aBurstOfLargeMessages_takesAnEntryPer64KiB_soThatAReadOfAFewBringsBackAFew() {
        start(new HistoryLimits(1_000, Long.MAX_VALUE, Long.MAX_VALUE));
        String large = "y".repeat(40 * 1024);
        publish("t", large, large, large, "small", "small");

        assertThat(logLength("t")).isEqualTo(3);
        assertThat(read("t", 2, 10, 1024)).as("one larger than the bound").containsExactly(2L);
        assertThat(read("t", 3, 10, Long.MAX_VALUE)).containsExactly(3L, 4L, 5L);
    }

    @Test
    void aRelaysMessages_landAtTheirUpstreamsPositions_andOneBehindIsRefused() {
        start(new HistoryLimits(1_000, Long.MAX_VALUE, Long.MAX_VALUE));
        history.publishAt("r", new Position(42, 5), Unpooled.copiedBuffer("five", StandardCharsets.UTF_8), ORIGIN)
                .join();
        history.publishAt("r", new Position(42, 6), Unpooled.copiedBuffer("six", StandardCharsets.UTF_8), ORIGIN)
                .join();

        assertThat(state("r")).extracting(TopicState::epoch, TopicState::first, TopicState::last)
                .containsExactly(42L, 5L, 6L);
        assertThat(read("r", 1, 10, Long.MAX_VALUE)).containsExactly(5L, 6L);
        assertThatThrownBy(() -> history.publishAt("r", new Position(42, 6), Unpooled.copiedBuffer("again",
                StandardCharsets.UTF_8), ORIGIN).join()).hasCauseInstanceOf(PublishRefusedException.class)
                .hasMessageContaining("past 6");

        history.publishAt("r", new Position(42, 9), Unpooled.copiedBuffer("nine", StandardCharsets.UTF_8), ORIGIN)
                .join();
        assertThat(state("r")).as("the history starts again at a jump").extracting(TopicState::first,
                TopicState::last).containsExactly(9L, 9L);
    }

    @Test
    void aTopicWrittenInAnEarlierFormat_isNotMet_underTheKeysOfThisOne() {
        start(new HistoryLimits(1_000, Long.MAX_VALUE, Long.MAX_VALUE));
        redis.command("HSET", "fanout:{old}:meta", "e", "7", "s", "2", "b", "6", "t", "1", "x", "0");
        redis.command("XADD", "fanout:{old}:log", "1-0", "d", "one", "t", "1", "o", "x");

        assertThat(read("old", 1, 10, Long.MAX_VALUE)).isEmpty();
        publish("old", "new");
        assertThat(state("old")).extracting(TopicState::first, TopicState::last).containsExactly(1L, 1L);
        assertThat(read("old", 1, 10, Long.MAX_VALUE)).containsExactly(1L);
        assertThat(redis.command("HGET", "fanout:{old}:meta", "s")).as("left as it was").isEqualTo("2");
    }

    @Test
    void aHistoryOfNone_keepsNothing_andNumberingGoesOn() {
        start(new HistoryLimits(0, Long.MAX_VALUE, Long.MAX_VALUE));
        publish("t", "a", "b");
        publish("t", "c");

        assertThat(state("t")).extracting(TopicState::first, TopicState::last).containsExactly(4L, 3L);
        assertThat(read("t", 1, 10, Long.MAX_VALUE)).isEmpty();
        assertThat(countedBytes("t")).isZero();
        assertThat(logLength("t")).isZero();
    }

    @Test
    void aLogThatExpiredWhileItsTopicStayed_startsAgainAtTheNextNumber() {
        start(new HistoryLimits(1_000, Long.MAX_VALUE, Long.MAX_VALUE));
        publish("t", "a", "b");
        redis.command("DEL", "fanout:v2:{t}:log");
        assertThat(state("t")).extracting(TopicState::first, TopicState::last).containsExactly(3L, 2L);

        publish("t", "c");

        assertThat(state("t")).extracting(TopicState::first, TopicState::last).containsExactly(3L, 3L);
        assertThat(read("t", 1, 10, Long.MAX_VALUE)).containsExactly(3L);
        assertThat(countedBytes("t")).isEqualTo(1);
    }

    /** The sequences a read returns; the messages are released. */
    private List<Long> read(String topic, long from, int count, long maxBytes) {
        List<Message> messages = history.read(topic, from, count, maxBytes).join();
        List<Long> sequences = messages.stream().map(Message::sequence).toList();
        messages.forEach(Message::release);
        return sequences;
    }
}
