package dev.fanout.store.disk;

import static dev.fanout.store.disk.DiskStores.append;
import static dev.fanout.store.disk.DiskStores.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.hub.HistoryStore;
import dev.fanout.hub.TopicState;
import dev.fanout.store.HistoryLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rewrites keep the disk bounded by what the topics retain, and lose nothing they retain. */
class RewriteTest {

    private static final long SEGMENT = DiskOptions.MIN_SEGMENT_BYTES;

    @TempDir
    Path dir;

    private DiskStores stores;

    @AfterEach
    void close() {
        if (stores != null) {
            stores.close();
        }
    }

    private DiskHistory open(HistoryLimits limits) {
        stores = new DiskStores(dir).limits(limits)
                .options(new DiskOptions(dir, FsyncPolicy.INTERVAL, Duration.ofSeconds(1), SEGMENT));
        return stores.open();
    }

    private long diskUse() throws IOException {
        long bytes = 0;
        for (Path file : stores.logFiles()) {
            try {
                bytes += Files.size(file);
            } catch (NoSuchFileException e) {
                // Deleted by a rewrite since it was listed.
            }
        }
        return bytes;
    }

    @Test
    void publishingFarMoreThanTheBounds_keepsTheDiskBounded_andTheWindowWhole() throws IOException {
        DiskHistory store = open(new HistoryLimits(20, 1 << 20, 1 << 20));
        String payload = "p".repeat(200);
        for (int i = 1; i <= 5_000; i++) {
            append(store, "topic-" + i % 3, payload + i);
        }
        long published = 5_000L * (payload.length() + LogRecord.APPEND_OVERHEAD);
        long bound = 2 * store.bytes() + 2 * SEGMENT;
        await().atMost(Duration.ofSeconds(30)).until(() -> diskUse() <= bound);
        assertThat(store.rewrites()).isPositive();
        assertThat(diskUse()).as("published %d bytes", published).isLessThan(published / 5);

        // topic-1 had i = 1, 4, ..., 4999: 1,667 messages, of which it keeps the last 20.
        assertThat(store.state("topic-1").join()).extracting(TopicState::first, TopicState::last)
                .containsExactly(1648L, 1667L);
        List<String> window = read(store, "topic-1", 1);
        assertThat(window).hasSize(20).last().isEqualTo("1667:" + payload + 4999);
    }

    @Test
    void aRewrite_keepsEveryRetainedMessage_acrossARestart_andDropsForgottenTopics() throws Exception {
        DiskHistory store = open(new HistoryLimits(50, 1 << 20, 1 << 20));
        for (int i = 1; i <= 200; i++) {
            append(store, "kept", "k" + i);
            append(store, "gone", "g" + i);
        }
        append(store, "quiet", "q1", "q2");
        store.forget("gone");
        store.rewriteNow();
        List<String> kept = read(store, "kept", 1);
        assertThat(kept).hasSize(50).first().isEqualTo("151:k151");

        store = stores.reopen(store);
        assertThat(store.restored()).extracting(HistoryStore.StoredTopic::name)
                .containsExactlyInAnyOrder("kept", "quiet");
        assertThat(read(store, "kept", 1)).isEqualTo(kept);
        assertThat(read(store, "quiet", 1)).containsExactly("1:q1", "2:q2");
        assertThat(store.state("kept").join()).isEqualTo(new TopicState(101, 151, 200));
        assertThat(append(store, "kept", "next").sequence()).isEqualTo(201);
    }

    @Test
    void aQuietTopicThatExpired_givesItsDiskBack() throws Exception {
        DiskHistory store = open(new HistoryLimits(10_000, 64L << 20, 64L << 20, Duration.ofMinutes(1)));
        String payload = "x".repeat(500);
        for (int i = 0; i < 1_000; i++) {
            append(store, "quiet", 1_000, payload);
        }
        long full = diskUse();
        store.expire(1_000 + Duration.ofMinutes(2).toMillis());
        await().atMost(Duration.ofSeconds(30)).until(() -> diskUse() < full / 10);
        assertThat(store.state("quiet").join()).isEqualTo(new TopicState(101, 1001, 1000));

        store = stores.reopen(store);
        assertThat(store.state("quiet").join()).as("the numbering survives the rewrite")
                .isEqualTo(new TopicState(101, 1001, 1000));
    }

    @Test
    void rewritesWhileAppendingAndReading_loseNothing() throws Exception {
        DiskHistory store = open(new HistoryLimits(100_000, 64L << 20, 64L << 20));
        CompletableFuture<Void> appending = CompletableFuture.runAsync(() -> {
            for (int i = 1; i <= 3_000; i++) {
                append(store, "t", "m" + i);
            }
        });
        List<String> seen = new ArrayList<>();
        while (!appending.isDone()) {
            store.rewriteNow();
            seen.addAll(read(store, "t", seen.size() + 1));
        }
        appending.join();
        store.rewriteNow();
        seen.addAll(read(store, "t", seen.size() + 1));
        assertThat(seen).containsExactlyElementsOf(IntStream.rangeClosed(1, 3_000).mapToObj(i -> i + ":m" + i)
                .toList());

        stores.markCrashed(FsyncPolicy.INTERVAL);
        DiskHistory reopened = stores.reopen(store);
        assertThat(read(reopened, "t", 1)).hasSize(3_000);
    }
}
