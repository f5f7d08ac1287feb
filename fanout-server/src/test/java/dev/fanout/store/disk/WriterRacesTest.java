package dev.fanout.store.disk;

import static dev.fanout.store.disk.DiskStores.ALICE;
import static dev.fanout.store.disk.DiskStores.append;
import static dev.fanout.store.disk.DiskStores.read;
import static dev.fanout.store.disk.DiskStores.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.hub.Message;
import dev.fanout.hub.Position;
import dev.fanout.hub.TopicState;
import dev.fanout.store.HistoryLimits;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Races between appends, forgets, rewrites, the stop and recovery, set up by holding the writer thread: what a
 * review found, each kept as the test that showed it.
 */
class WriterRacesTest {

    @TempDir
    Path dir;

    private DiskStores stores;

    @AfterEach
    void close() {
        if (stores != null) {
            stores.close();
        }
    }

    private DiskHistory open() {
        stores = new DiskStores(dir).options(new DiskOptions(dir, FsyncPolicy.INTERVAL, Duration.ofSeconds(1),
                DiskOptions.MIN_SEGMENT_BYTES));
        return stores.open();
    }

    /** Holds the writer thread until the returned latch is counted down; returns once it is held. */
    private static CountDownLatch hold(DiskHistory store) throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch held = new CountDownLatch(1);
        store.writer().submit(new LogWriter.Task(writer -> {
            held.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        held.await();
        return release;
    }

    private static CompletableFuture<Void> rewriteAsync(DiskHistory store) {
        return CompletableFuture.runAsync(() -> {
            try {
                store.rewriteNow();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void aTopicForgottenAfterTheRewritesRoll_whileItsAppendWaits_leavesTheLogWhole() throws Exception {
        DiskHistory store = open();
        append(store, "x", "x1");
        append(store, "y", "y1");
        CountDownLatch release = hold(store);
        CompletableFuture<Void> rewrite = rewriteAsync(store);
        await().until(() -> store.writer().waiting() > 0);
        CompletableFuture<List<Message>> x2 = store.append("x", List.of(text("x2")), ALICE, 0);
        store.forget("x");
        release.countDown();
        rewrite.join();
        x2.join().forEach(Message::release);
        append(store, "y", "y2");
        TopicState before = store.state("y").join();

        DiskHistory again = stores.reopen(store);
        assertThat(again.state("y").join()).isEqualTo(before);
        assertThat(read(again, "y", 1)).containsExactly("1:y1", "2:y2");
        assertThat(again.restored()).extracting(t -> t.name()).containsExactly("y");
    }

    @Test
    void anEpochChangeThenAJump_inOneBatch_keepTheNewEpoch() throws Exception {
        DiskHistory store = open();
        store.appendAt("r", new Position(500, 1), text("a1"), ALICE, 0).join().release();
        CountDownLatch release = hold(store);
        CompletableFuture<Message> b1 = store.appendAt("r", new Position(600, 1), text("b1"), ALICE, 0);
        CompletableFuture<Message> b5 = store.appendAt("r", new Position(600, 5), text("b5"), ALICE, 0);
        release.countDown();
        b1.join().release();
        b5.join().release();
        assertThat(store.state("r").join()).isEqualTo(new TopicState(600, 5, 5));
        assertThat(stores.reopen(store).state("r").join()).isEqualTo(new TopicState(600, 5, 5));
    }

    @Test
    void anEpochChangeDuringARewritesCopy_leavesOtherTopicsWhole() throws Exception {
        stores = new DiskStores(dir).options(new DiskOptions(dir, FsyncPolicy.INTERVAL, Duration.ofSeconds(1),
                DiskOptions.MIN_SEGMENT_BYTES)).limits(new HistoryLimits(100_000, 256L << 20, 256L << 20));
        DiskHistory store = stores.open();
        String big = "z".repeat(2000);
        for (int i = 0; i < 10; i++) {
            List<ByteBuf> batch = new ArrayList<>();
            for (int j = 0; j < 250; j++) {
                batch.add(text(big));
            }
            store.append("z", batch, ALICE, 0).join().forEach(Message::release);
        }
        store.appendAt("r", new Position(500, 1), text("a1"), ALICE, 0).join().release();
        CountDownLatch release = hold(store);
        CompletableFuture<Void> rewrite = rewriteAsync(store);
        await().until(() -> store.writer().waiting() > 0);
        CompletableFuture<Message> a2 = store.appendAt("r", new Position(500, 2), text("a2"), ALICE, 0);
        CompletableFuture<Message> b1 = store.appendAt("r", new Position(600, 1), text("b1"), ALICE, 0);
        release.countDown();
        a2.join().release();
        b1.join().release();
        rewrite.join();
        append(store, "z", "after");
        TopicState z = store.state("z").join();

        DiskHistory again = stores.reopen(store);
        assertThat(again.state("z").join()).isEqualTo(z);
        assertThat(again.state("r").join()).isEqualTo(new TopicState(600, 1, 1));
    }

    @Test
    void whatIsAcknowledgedWhileTheStoreCloses_survivesTheRestart() throws Exception {
        for (int attempt = 0; attempt < 10; attempt++) {
            Path directory = dir.resolve("attempt" + attempt);
            DiskStores attempts = new DiskStores(directory);
            DiskHistory store = attempts.open();
            append(store, "t", "first");
            AtomicLong acked = new AtomicLong();
            AtomicBoolean publishing = new AtomicBoolean(true);
            Thread publisher = new Thread(() -> {
                while (publishing.get()) {
                    store.append("t", List.of(text("m")), ALICE, 0).whenComplete((messages, failure) -> {
                        if (failure == null) {
                            messages.forEach(m -> acked.accumulateAndGet(m.sequence(), Math::max));
                            messages.forEach(Message::release);
                        }
                    });
                }
            });
            publisher.start();
            await().until(() -> acked.get() > 1_000);
            attempts.close(store);
            publishing.set(false);
            publisher.join();
            TopicState state = attempts.open().state("t").join();
            attempts.close();
            assertThat(state.epoch()).isEqualTo(101);
            assertThat(state.last()).as("attempt %d", attempt).isGreaterThanOrEqualTo(acked.get());
        }
    }

    @Test
    void aStartThatStopsBetweenTheCutAndTheNewEpochs_isRenewedByTheNext() throws Exception {
        DiskOptions options = DiskOptions.in(dir);
        HistoryLimits limits = new HistoryLimits(1000, 1 << 20, 64L << 20);
        AtomicLong epochs = new AtomicLong(100);
        DiskHistory store = DiskHistory.open(options, limits, Clock.systemUTC(), epochs::incrementAndGet);
        for (int i = 1; i <= 5; i++) {
            append(store, "t", "message-" + i + "-" + "p".repeat(100));
        }
        store.close();
        new DiskStores(dir).markCrashed(FsyncPolicy.INTERVAL);
        Path segment = dir.resolve(String.format("%020d.log", 1));
        flipByte(segment, Files.size(segment) * 3 / 5);
        AtomicBoolean fail = new AtomicBoolean(true);
        try {
            // The epoch source failing stands for a start killed after the cut, before the new epochs were written.
            DiskHistory.open(options, limits, Clock.systemUTC(), () -> {
                if (fail.get()) {
                    throw new IllegalStateException("stopped");
                }
                return epochs.incrementAndGet();
            }).close();
        } catch (IllegalStateException expected) {
            assertThat(expected).hasMessage("stopped");
        }
        fail.set(false);
        DiskHistory again = DiskHistory.open(options, limits, Clock.systemUTC(), epochs::incrementAndGet);
        try {
            TopicState state = again.state("t").join();
            assertThat(state.epoch()).as("acknowledged messages were cut: a new epoch").isNotEqualTo(101);
        } finally {
            again.close();
        }
    }

    @Test
    void theLastSegmentMissingAfterACleanStop_withABase_givesNewEpochs() throws Exception {
        DiskHistory store = open();
        append(store, "t", "1", "2");
        store.rewriteNow();
        append(store, "t", "3", "4");
        stores.close(store);
        List<Path> segments = stores.logFiles().stream()
                .filter(f -> !f.getFileName().toString().startsWith("base-")).toList();
        Files.delete(segments.get(segments.size() - 1));

        TopicState state = stores.open().state("t").join();
        assertThat(state.epoch()).as("3 and 4 were acknowledged and are gone").isNotEqualTo(101);
    }

    @Test
    void aSegmentMissingBetweenOthers_isDamage_andTheFilesAfterAreSetAsideNotDeleted() throws Exception {
        DiskHistory store = open();
        String kilobyte = "x".repeat(1024);
        for (int i = 0; i < 200; i++) {
            append(store, "t", kilobyte);
        }
        stores.close(store);
        List<Path> files = stores.logFiles();
        assertThat(files).hasSizeGreaterThan(3);
        Files.delete(files.get(1));

        TopicState state = stores.open().state("t").join();
        assertThat(state.epoch()).isNotEqualTo(101);
        assertThat(state.last()).as("the first segment's messages survive").isPositive();
        assertThat(files.get(2).resolveSibling(files.get(2).getFileName() + ".damaged")).exists();
    }

    @Test
    void aDamagedRetainedMessage_isLeftOutByTheRewrite_whichStillBoundsTheDisk() throws Exception {
        stores = new DiskStores(dir).options(new DiskOptions(dir, FsyncPolicy.INTERVAL, Duration.ofSeconds(1),
                DiskOptions.MIN_SEGMENT_BYTES)).limits(new HistoryLimits(20, 1 << 20, 64L << 20));
        DiskHistory store = stores.open();
        append(store, "keep", "k1", "k".repeat(100), "k3");
        Path first = dir.resolve(String.format("%020d.log", 1));
        // The middle message's payload: a flipped byte in a message the topic retains.
        flipByte(first, Files.size(first) - 100);
        String payload = "p".repeat(1000);
        for (int i = 0; i < 3000; i++) {
            append(store, "busy", payload);
        }
        await().until(() -> stores.logFiles().size() < 10);
        assertThat(store.rewrites()).isPositive();
        assertThat(store.state("keep").join()).as("what came before the damage is gone too")
                .extracting(TopicState::first, TopicState::last).containsExactly(3L, 3L);
        assertThat(read(store, "keep", 1)).containsExactly("3:k3");
    }

    @Test
    void manyQuietTopics_whoseNamesOutweighASegment_doNotRewriteOnEveryCommit() throws Exception {
        stores = new DiskStores(dir).options(new DiskOptions(dir, FsyncPolicy.INTERVAL, Duration.ofSeconds(1),
                DiskOptions.MIN_SEGMENT_BYTES)).limits(new HistoryLimits(1, 1 << 20, 64L << 20,
                Duration.ofSeconds(1)));
        DiskHistory store = stores.open();
        for (int i = 0; i < 2000; i++) {
            append(store, "sensors.room-" + i, 0, "x");
        }
        store.expire(System.currentTimeMillis());
        await().until(() -> store.rewrites() > 0);
        store.rewriteNow();
        long before = store.rewrites();
        for (int i = 0; i < 200; i++) {
            append(store, "busy", System.currentTimeMillis(), "y");
        }
        assertThat(store.rewrites() - before).isLessThan(3);
    }

    @Test
    void aDiskThatRefusesWrites_refusesWholeAppends_andLeavesNoHoleInTheNumbering() throws Exception {
        DiskHistory store = open();
        // The next segment is /dev/full: every write to it fails with "No space left on device".
        Files.createSymbolicLink(dir.resolve(String.format("%020d.log", 2)), Path.of("/dev/full"));
        String kilobyte = "x".repeat(1024);
        long acked = 0;
        int refused = 0;
        for (int i = 0; i < 200; i++) {
            List<ByteBuf> burst = List.of(text(kilobyte), text(kilobyte), text(kilobyte));
            try {
                List<Message> messages = store.append("t", burst, ALICE, 0).join();
                acked = messages.get(messages.size() - 1).sequence();
                messages.forEach(Message::release);
            } catch (java.util.concurrent.CompletionException e) {
                assertThat(e).hasMessageContaining("history could not be written");
                refused++;
            }
        }
        assertThat(refused).isPositive();
        assertThat(acked).isPositive();
        stores.close(store);
        Files.delete(dir.resolve(String.format("%020d.log", 2)));

        DiskHistory again = stores.open();
        assertThat(again.state("t").join()).as("every acknowledged message, nothing refused")
                .isEqualTo(new TopicState(101, 1, acked));
        assertThat(append(again, "t", "next").sequence()).isEqualTo(acked + 1);
    }

    private static void flipByte(Path file, long position) throws Exception {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, position);
            one.put(0, (byte) (one.get(0) ^ 0x55));
            channel.write(one.rewind(), position);
        }
    }
}
