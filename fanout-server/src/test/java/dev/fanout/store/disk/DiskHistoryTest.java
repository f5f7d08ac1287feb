package dev.fanout.store.disk;

import static dev.fanout.store.disk.DiskStores.append;
import static dev.fanout.store.disk.DiskStores.read;
import static dev.fanout.store.disk.DiskStores.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fanout.hub.HistoryStore;
import dev.fanout.hub.Message;
import dev.fanout.hub.Origin;
import dev.fanout.hub.Position;
import dev.fanout.hub.PublishRefusedException;
import dev.fanout.hub.TopicState;
import dev.fanout.store.HistoryLimits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskHistoryTest {

    @TempDir
    Path dir;

    private DiskStores stores;

    private DiskStores stores() {
        if (stores == null) {
            stores = new DiskStores(dir);
        }
        return stores;
    }

    @AfterEach
    void close() {
        if (stores != null) {
            stores.close();
        }
    }

    @Test
    void append_numbersPerTopic_andReadsComeFromTheDisk_withTheirPublisher() {
        DiskHistory store = stores().open();
        assertThat(store.state("a").join()).isEqualTo(new TopicState(101, 1, 0));
        assertThat(append(store, "a", 5, "x", "y")).isEqualTo(new Position(101, 2));
        assertThat(append(store, "b", "z")).isEqualTo(new Position(102, 1));
        assertThat(read(store, "a", 1)).containsExactly("1:x", "2:y");

        List<Message> messages = store.read("a", 2, 10, Long.MAX_VALUE).join();
        assertThat(messages).singleElement().satisfies(m -> {
            assertThat(m.origin()).as("the client number holds within the run that wrote it").isEqualTo(
                    DiskStores.ALICE);
            assertThat(m.publishedAtMillis()).isEqualTo(5);
            assertThat(m.topic()).isEqualTo("a");
        });
        messages.forEach(Message::release);
    }

    @Test
    void cleanRestart_keepsEpochsNumbersAndMessages_andTheNextPublishGetsTheNextNumber() {
        DiskHistory store = stores().open();
        append(store, "a", "1", "2", "3");
        append(store, "b", "only");
        store = stores().reopen(store);

        assertThat(store.state("a").join()).isEqualTo(new TopicState(101, 1, 3));
        assertThat(store.state("b").join()).isEqualTo(new TopicState(102, 1, 1));
        assertThat(read(store, "a", 2)).containsExactly("2:2", "3:3");
        assertThat(append(store, "a", "4")).isEqualTo(new Position(101, 4));
        assertThat(store.restored()).extracting(HistoryStore.StoredTopic::name).containsExactlyInAnyOrder("a", "b");

        List<Message> replayed = store.read("a", 1, 1, Long.MAX_VALUE).join();
        assertThat(replayed.get(0).origin()).as("a client number of the run before means nobody now")
                .isEqualTo(new Origin(Origin.NO_CLIENT, "alice"));
        replayed.forEach(Message::release);
    }

    @Test
    void restart_keepsWhatRetentionKept_andNumberingWithHistoryOff() {
        DiskHistory store = stores().limits(new HistoryLimits(3, 1 << 20, 1 << 20)).open();
        append(store, "t", "1", "2", "3", "4", "5");
        store = stores().reopen(store);
        assertThat(store.state("t").join()).extracting(TopicState::first, TopicState::last).containsExactly(3L, 5L);
        assertThat(read(store, "t", 1)).containsExactly("3:3", "4:4", "5:5");
        stores().close(store);

        store = stores().limits(new HistoryLimits(0, 1 << 20, 1 << 20)).open();
        assertThat(store.state("t").join()).as("history off now: nothing held, the numbering goes on")
                .extracting(TopicState::first, TopicState::last).containsExactly(6L, 5L);
        append(store, "t", "6");
        store = stores().reopen(store);
        assertThat(store.state("t").join()).extracting(TopicState::first, TopicState::last).containsExactly(7L, 6L);
    }

    @Test
    void perTopicBytes_countEachMessagesRecordAndIndexEntry() {
        long one = 1 + LogRecord.APPEND_OVERHEAD - LogRecord.HEADER_BYTES + "alice".length() + IndexEntry.OVERHEAD;
        DiskHistory store = stores().limits(new HistoryLimits(100, 2 * one, 1 << 20)).open();
        append(store, "t", "a", "b", "c");
        assertThat(read(store, "t", 1)).containsExactly("2:b", "3:c");
        assertThat(store.bytes()).isEqualTo(2 * one);
    }

    @Test
    void age_letsGoOfOldMessages_onAppendAndOnExpiry() {
        DiskHistory store = stores().limits(new HistoryLimits(100, 1 << 20, 1 << 20, Duration.ofSeconds(10)))
                .open();
        append(store, "t", 1_000, "old");
        append(store, "t", 9_000, "newer");
        append(store, "t", 12_000, "new");
        assertThat(read(store, "t", 1)).as("1 s is more than 10 s before 12 s").containsExactly("2:newer", "3:new");
        store.expire(20_000);
        assertThat(read(store, "t", 1)).containsExactly("3:new");
        store.expire(30_000);
        assertThat(store.state("t").join()).isEqualTo(new TopicState(101, 4, 3));
        assertThat(store.firstSince("t", 0).join()).as("messages since then are gone").isEqualTo(1);
    }

    @Test
    void forget_isKeptAcrossARestart_andTheTopicComesBackInANewEpoch() {
        DiskHistory store = stores().open();
        append(store, "t", "a", "b");
        append(store, "kept", "k");
        store.forget("t");
        store = stores().reopen(store);
        assertThat(store.restored()).extracting(HistoryStore.StoredTopic::name).containsExactly("kept");
        Position after = append(store, "t", "c");
        assertThat(after.sequence()).isEqualTo(1);
        assertThat(after.epoch()).isNotEqualTo(101);
        store = stores().reopen(store);
        assertThat(read(store, "t", 1)).containsExactly("1:c");
        assertThat(read(store, "kept", 1)).containsExactly("1:k");
    }

    @Test
    void appendAt_keepsTheUpstreamsNumbers_acrossARestart() {
        DiskHistory store = stores().open();
        store.appendAt("t", new Position(7, 40), text("a"), DiskStores.ALICE, 0).join().release();
        store.appendAt("t", new Position(7, 41), text("b"), DiskStores.ALICE, 0).join().release();
        assertThat(store.state("t").join()).isEqualTo(new TopicState(7, 40, 41));
        assertThatThrownBy(() -> store.appendAt("t", new Position(7, 41), text("again"), DiskStores.ALICE, 0).join())
                .isInstanceOf(CompletionException.class).hasCauseInstanceOf(PublishRefusedException.class);
        store.appendAt("t", new Position(7, 50), text("ahead"), DiskStores.ALICE, 0).join().release();
        assertThat(store.state("t").join()).as("a jump starts the history at it").isEqualTo(new TopicState(7, 50, 50));

        DiskHistory reopened = stores().reopen(store);
        assertThat(reopened.state("t").join()).isEqualTo(new TopicState(7, 50, 50));
        reopened.appendAt("t", new Position(8, 1), text("fresh"), DiskStores.ALICE, 0).join().release();
        reopened = stores().reopen(reopened);
        assertThat(reopened.state("t").join()).as("another epoch starts afresh").isEqualTo(new TopicState(8, 1, 1));
        assertThat(read(reopened, "t", 1)).containsExactly("1:fresh");
    }

    @Test
    void segments_rollAtTheirSize_andReadsSpanThem() throws Exception {
        DiskHistory store = stores().options(new DiskOptions(dir, FsyncPolicy.ALWAYS, Duration.ofSeconds(1),
                DiskOptions.MIN_SEGMENT_BYTES)).open();
        String kilobyte = "x".repeat(1024);
        for (int i = 0; i < 200; i++) {
            append(store, "t", kilobyte + i);
        }
        assertThat(stores().logFiles()).hasSizeGreaterThan(2);
        store = stores().reopen(store);
        List<String> all = read(store, "t", 1);
        assertThat(all).hasSize(200);
        assertThat(all.get(199)).isEqualTo("200:" + kilobyte + 199);
    }

    @Test
    void firstSince_survivesARestart() {
        DiskHistory store = stores().open();
        append(store, "t", 100, "a");
        append(store, "t", 200, "b");
        store = stores().reopen(store);
        assertThat(store.firstSince("t", 150).join()).isEqualTo(2);
        assertThat(store.firstSince("t", 201).join()).isEqualTo(3);
    }

    @Test
    void messagesInARead_shareOneBufferThatIsFreedWithTheLast() {
        DiskHistory store = stores().open();
        append(store, "t", "a", "b");
        List<Message> messages = store.read("t", 1, 10, Long.MAX_VALUE).join();
        assertThat(messages).hasSize(2);
        assertThat(messages.get(0).payload().toString(StandardCharsets.UTF_8)).isEqualTo("a");
        messages.get(0).release();
        assertThat(messages.get(1).payload().toString(StandardCharsets.UTF_8)).isEqualTo("b");
        messages.get(1).release();
        assertThat(messages.get(1).payload().refCnt()).isZero();
    }
}
