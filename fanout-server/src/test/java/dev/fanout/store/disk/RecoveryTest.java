package dev.fanout.store.disk;

import static dev.fanout.store.disk.DiskStores.append;
import static dev.fanout.store.disk.DiskStores.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import dev.fanout.hub.TopicState;
import dev.fanout.server.testing.LogCapture;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A damaged log never stops the store and is never served; acknowledged messages that may be lost mean RESET. */
class RecoveryTest {

    @TempDir
    Path dir;

    private DiskStores stores;
    private LogCapture logs;

    @BeforeEach
    void open() {
        stores = new DiskStores(dir);
        logs = LogCapture.of(Recovery.class, HistoryReader.class);
    }

    @AfterEach
    void close() {
        stores.close();
        logs.close();
    }

    /** Publishes 1..5 to topic t and 1..2 to topic u, then stops cleanly; returns the only log file. */
    private Path fiveAndTwo() throws IOException {
        DiskHistory store = stores.open();
        append(store, "t", "1", "2", "3", "4", "5");
        append(store, "u", "a", "b");
        stores.close(store);
        return lastFile();
    }

    private Path lastFile() throws IOException {
        List<Path> files = stores.logFiles();
        return files.get(files.size() - 1);
    }

    private static void cutLastBytes(Path file, int bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() - bytes);
        }
    }

    private static void appendBytes(Path file, byte[] garbage) throws IOException {
        Files.write(file, garbage, StandardOpenOption.APPEND);
    }

    private static void flipByte(Path file, long position) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, position);
            one.put(0, (byte) (one.get(0) ^ 0x10));
            channel.write(one.rewind(), position);
        }
    }

    private List<String> warnings() {
        return logs.messages(Level.WARN);
    }

    @Test
    void aRecordTornByACrash_wasNeverAcknowledged_soItIsCutAndTheEpochsStay() throws IOException {
        Path file = fiveAndTwo();
        cutLastBytes(file, 3);
        stores.markCrashed(FsyncPolicy.INTERVAL);

        DiskHistory store = stores.open();
        assertThat(store.state("t").join()).isEqualTo(new TopicState(101, 1, 5));
        assertThat(store.state("u").join()).as("its last record was torn").isEqualTo(new TopicState(102, 1, 1));
        assertThat(read(store, "u", 1)).containsExactly("1:a");
        assertThat(append(store, "u", "b again").sequence()).isEqualTo(2);
        assertThat(warnings()).anyMatch(w -> w.contains("a record cut short") && w.contains("cut"));
        assertThat(warnings()).noneMatch(w -> w.contains("new epoch"));

        store = stores.reopen(store);
        assertThat(read(store, "u", 1)).containsExactly("1:a", "2:b again");
    }

    @Test
    void aTailCutAfterACleanStop_mayHaveLostAcknowledgedMessages_soEveryTopicStartsANewEpoch_keepingWhatSurvived()
            throws IOException {
        Path file = fiveAndTwo();
        cutLastBytes(file, 3);

        DiskHistory store = stores.open();
        TopicState t = store.state("t").join();
        assertThat(t.epoch()).isNotIn(101L, 102L);
        assertThat(t).extracting(TopicState::first, TopicState::last).containsExactly(1L, 5L);
        assertThat(read(store, "t", 1)).containsExactly("1:1", "2:2", "3:3", "4:4", "5:5");
        assertThat(read(store, "u", 1)).containsExactly("1:a");
        assertThat(store.state("u").join().epoch()).isNotIn(101L, 102L, t.epoch());
        assertThat(warnings()).anyMatch(w -> w.contains("all 2 topics start a new epoch, keeping the 6 messages"));

        long epoch = t.epoch();
        append(store, "t", "after");
        store = stores.reopen(store);
        assertThat(store.state("t").join()).as("the new epoch is in the log").isEqualTo(new TopicState(epoch, 1, 6));
        assertThat(read(store, "t", 5)).containsExactly("5:5", "6:after");
    }

    @Test
    void garbageAppendedAfterACleanStop_isCut_andNothingIsLost() throws IOException {
        Path file = fiveAndTwo();
        appendBytes(file, "garbage after the end".getBytes(java.nio.charset.StandardCharsets.US_ASCII));

        DiskHistory store = stores.open();
        assertThat(store.state("t").join()).isEqualTo(new TopicState(101, 1, 5));
        assertThat(read(store, "u", 1)).containsExactly("1:a", "2:b");
        assertThat(warnings()).anyMatch(w -> w.contains("after where the last clean stop ended it"));
    }

    @Test
    void garbageAfterACrash_isCut_andAsItIsNoTornRecord_everyTopicStartsANewEpoch() throws IOException {
        Path file = fiveAndTwo();
        byte[] garbage = new byte[40];
        Arrays.fill(garbage, (byte) 0xFF);
        appendBytes(file, garbage);
        stores.markCrashed(FsyncPolicy.INTERVAL);

        DiskHistory store = stores.open();
        assertThat(store.state("u").join().epoch()).isNotIn(101L, 102L);
        assertThat(warnings()).anyMatch(w -> w.contains("a length no record has"));
    }

    @Test
    void aByteFlippedInTheMiddle_isNeverServed_andEveryTopicStartsANewEpoch() throws IOException {
        Path file = fiveAndTwo();
        long size = Files.size(file);
        flipByte(file, size / 3);

        DiskHistory store = stores.open();
        for (String topic : List.of("t", "u")) {
            TopicState state = store.state(topic).join();
            assertThat(state.epoch()).isNotIn(101L, 102L);
        }
        assertThat(read(store, "t", 1)).as("what came before the damage, intact")
                .isNotEmpty().isSubsetOf("1:1", "2:2", "3:3", "4:4", "5:5");
        assertThat(warnings()).anyMatch(w -> w.contains("history log damaged") && w.contains("cut"));
        assertThat(Files.size(file)).as("cut at the damaged record").isLessThan(size);
    }

    @Test
    void theMachineRestartingWithoutACleanStop_underInterval_givesNewEpochs_underAlways_keepsThem() throws IOException {
        fiveAndTwo();
        stores.markCrashed(FsyncPolicy.ALWAYS, "another-boot");
        DiskHistory store = stores.open();
        assertThat(store.state("t").join()).isEqualTo(new TopicState(101, 1, 5));
        stores.close(store);

        stores.markCrashed(FsyncPolicy.INTERVAL, "another-boot");
        store = stores.open();
        assertThat(store.state("t").join().epoch()).isNotEqualTo(101);
        assertThat(warnings()).anyMatch(w -> w.contains("the machine restarted"));
    }

    @Test
    void afterAMachineCrashUnderAlways_zerosOrGarbageAtTheEnd_wereNeverAcknowledged_soTheEpochsStay()
            throws IOException {
        Path file = fiveAndTwo();
        appendBytes(file, new byte[4096]);
        stores.markCrashed(FsyncPolicy.ALWAYS, "another-boot");
        DiskHistory store = stores.open();
        assertThat(store.state("u").join()).isEqualTo(new TopicState(102, 1, 2));
        assertThat(warnings()).anyMatch(w -> w.contains("ends in a torn write"));
    }

    @Test
    void afterAMachineCrashUnderAlways_damageThatWholeRecordsFollow_isDamage() throws IOException {
        Path file = fiveAndTwo();
        flipByte(file, 40);
        stores.markCrashed(FsyncPolicy.ALWAYS, "another-boot");
        DiskHistory store = stores.open();
        assertThat(store.state("u").join().epoch()).isNotIn(101L, 102L);
    }

    @Test
    void leftoverFiles_ofAnUnfinishedRewrite_areRemoved() throws IOException {
        fiveAndTwo();
        Path leftover = dir.resolve("base-00000000000000000009.log.tmp");
        Files.write(leftover, new byte[100]);
        DiskHistory store = stores.open();
        assertThat(leftover).doesNotExist();
        assertThat(read(store, "u", 1)).containsExactly("1:a", "2:b");
    }

    @Test
    void aSegmentMissingAfterACleanStop_meansLoss() throws IOException {
        DiskHistory store = stores.options(new DiskOptions(dir, FsyncPolicy.INTERVAL, Duration.ofSeconds(1),
                DiskOptions.MIN_SEGMENT_BYTES)).open();
        String kilobyte = "x".repeat(1024);
        for (int i = 0; i < 100; i++) {
            append(store, "t", kilobyte);
        }
        stores.close(store);
        Files.delete(lastFile());

        store = stores.open();
        assertThat(store.state("t").join().epoch()).isNotEqualTo(101);
    }

    @Test
    void damageWhileRunning_isNotServed_whatComesBeforeItIs() throws IOException {
        DiskHistory store = stores.open();
        append(store, "t", "one", "two");
        flipByte(lastFile(), Files.size(lastFile()) - 1);

        assertThat(read(store, "t", 1)).containsExactly("1:one");
        assertThatThrownBy(() -> read(store, "t", 2)).isInstanceOf(CompletionException.class)
                .hasMessageContaining("message 2 is damaged on disk");
        assertThat(logs.messages(Level.ERROR)).anyMatch(e -> e.contains("it is not served"));
    }
}
