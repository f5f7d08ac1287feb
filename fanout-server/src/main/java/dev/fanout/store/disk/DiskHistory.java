package dev.fanout.store.disk;

import dev.fanout.hub.Message;
import dev.fanout.hub.Origin;
import dev.fanout.hub.Position;
import dev.fanout.hub.PublishRefusedException;
import dev.fanout.hub.TopicState;
import dev.fanout.protocol.ByteSize;
import dev.fanout.store.HistoryLimits;
import dev.fanout.store.LocalHistory;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * History on local disk: every topic's messages in one append-only log in the data directory, which a restart
 * brings back with the same epochs and numbers. Memory holds an index per topic (where each message lies), not
 * the payloads; the bounds of {@link HistoryLimits} count each message's bytes on disk and its index entry
 * ({@link IndexEntry#OVERHEAD}).
 *
 * <p>Appends are numbered at once and written by the {@link LogWriter}'s thread; their futures complete once
 * the log holds them (written, or forced with {@link FsyncPolicy#ALWAYS}), in order. Reads run on the
 * {@link HistoryReader}'s threads. Thread-safe.
 */
public final class DiskHistory implements LocalHistory {

    private static final Logger log = LoggerFactory.getLogger(DiskHistory.class);

    private final DiskOptions options;
    private final DataDirectory directory;
    private final LogIndex index;
    private final LogWriter writer;
    private final Rewrite rewrite;
    private final HistoryReader reader = new HistoryReader();
    private final Clock clock;
    private final List<StoredTopic> restored;

    private DiskHistory(DiskOptions options, DataDirectory directory, LogIndex index, LogWriter writer, Clock clock) {
        this.options = options;
        this.directory = directory;
        this.index = index;
        this.writer = writer;
        this.rewrite = new Rewrite(directory, options, index, writer);
        this.clock = clock;
        this.restored = index.topics().stream().map(this::stored).toList();
    }

    /**
     * Opens the data directory, brings its log back and starts writing.
     *
     * @throws IllegalStateException if the directory cannot be used, with what to do about it
     */
    public static DiskHistory open(DiskOptions options, HistoryLimits limits, Clock clock) {
        return open(options, limits, clock, () -> ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE));
    }

    /** As {@link #open(DiskOptions, HistoryLimits, Clock)}, with epochs from {@code epochs}. */
    public static DiskHistory open(DiskOptions options, HistoryLimits limits, Clock clock, LongSupplier epochs) {
        DataDirectory directory = DataDirectory.open(options.directory());
        LogIndex index = new LogIndex(limits, epochs);
        LogWriter writer = null;
        try {
            Recovery.Result recovered = Recovery.recover(directory, index);
            writer = new LogWriter(directory, options, index, recovered.current(), recovered.named());
            writer.start();
            DiskHistory history = new DiskHistory(options, directory, index, writer, clock);
            history.recordRenewed(recovered.renewed());
            // Only now: until the new epochs are on the disk, a restart must renew them again.
            directory.markRunning(options.fsync());
            history.expire(clock.millis());
            index.onWritten(history.rewrite::startIfDue);
            index.written();
            return history;
        } catch (IOException | RuntimeException e) {
            abandon(directory, index, writer);
            if (e instanceof IOException) {
                throw new IllegalStateException("data directory " + directory.path() + " cannot be read or written: "
                        + e + "; check the disk, or give another --data-dir", e);
            }
            throw (RuntimeException) e;
        }
    }

    /** Lets go of what a start that failed made, the lock last, once nothing writes any more. */
    private static void abandon(DataDirectory directory, LogIndex index, LogWriter writer) {
        try {
            if (writer != null && writer.stop() == null) {
                log.warn("the history writer of {} did not stop; its lock is kept until this process ends",
                        directory.path());
                return;
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return;
        }
        index.segments().forEach(Segment::release);
        directory.close();
    }

    /** Writes the new epochs of topics that recovery renewed, and forces them, before anyone can read them. */
    private void recordRenewed(List<DiskTopic> renewed) throws IOException {
        if (renewed.isEmpty()) {
            return;
        }
        List<CompletableFuture<Void>> written = new ArrayList<>();
        for (DiskTopic topic : renewed) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            long epoch;
            synchronized (topic.ring) {
                epoch = topic.ring.epoch();
            }
            writer.submit(new LogWriter.Epoch(topic, epoch, clock.millis(), done));
            written.add(done);
        }
        try {
            CompletableFuture.allOf(written.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while recording new epochs", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("could not record the topics' new epochs: " + e.getMessage(), e);
        }
        writer.forceAll();
    }

    private StoredTopic stored(DiskTopic topic) {
        synchronized (topic.ring) {
            List<IndexEntry> newest = topic.ring.read(topic.ring.last(), 1, 1);
            long lastPublished = newest.isEmpty() ? Math.max(0, topic.ring.newestGoneAtMillis())
                    : newest.get(0).publishedAtMillis;
            return new StoredTopic(topic.name, topic.ring.state(), lastPublished);
        }
    }

    @Override
    public CompletableFuture<List<Message>> append(String topic, List<ByteBuf> payloads, Origin origin,
                                                   long publishedAtMillis) {
        CompletableFuture<List<Message>> done = new CompletableFuture<>();
        while (true) {
            DiskTopic target = index.topic(topic);
            synchronized (target.ring) {
                if (target.forgotten) {
                    continue;
                }
                TopicHeader header = target.headerForNext();
                List<Message> messages = new ArrayList<>(payloads.size());
                for (ByteBuf payload : payloads) {
                    messages.add(Message.of(topic, target.nameUtf8,
                            new Position(target.assignedEpoch, ++target.assignedLast), payload, publishedAtMillis,
                            origin));
                }
                submit(target, header, messages, done);
            }
            return done;
        }
    }

    @Override
    public CompletableFuture<Message> appendAt(String topic, Position position, ByteBuf payload, Origin origin,
                                               long publishedAtMillis) {
        CompletableFuture<List<Message>> done = new CompletableFuture<>();
        while (true) {
            DiskTopic target = index.topic(topic);
            synchronized (target.ring) {
                if (target.forgotten) {
                    continue;
                }
                long sequence = position.sequence();
                if (position.epoch() == target.assignedEpoch && sequence <= target.assignedLast) {
                    payload.release();
                    return CompletableFuture.failedFuture(new PublishRefusedException(
                            PublishRefusedException.Reason.OUT_OF_ORDER, "sequence " + sequence + " of topic '"
                            + topic + "' is not after its last, " + target.assignedLast));
                }
                TopicHeader header = target.renumberFor(position.epoch(), sequence, publishedAtMillis);
                submit(target, header, List.of(Message.of(topic, target.nameUtf8, position, payload,
                        publishedAtMillis, origin)), done);
            }
            return done.thenApply(messages -> messages.get(0));
        }
    }

    /** Hands appends to the writer; under the topic's lock, so that they reach it in their numbers' order. */
    private void submit(DiskTopic topic, TopicHeader header, List<Message> messages,
                        CompletableFuture<List<Message>> done) {
        topic.headerQueued = true;
        writer.submit(new LogWriter.Appends(topic, topic.generation, header, messages, done));
    }

    @Override
    public CompletableFuture<List<Message>> read(String topic, long from, int maxMessages, long maxBytes) {
        DiskTopic target = index.find(topic);
        if (target == null) {
            return CompletableFuture.completedFuture(List.of());
        }
        synchronized (target.ring) {
            if (target.ring.count() == 0 || from > target.ring.last()) {
                return CompletableFuture.completedFuture(List.of());
            }
        }
        return reader.read(target, from, maxMessages, maxBytes);
    }

    @Override
    public CompletableFuture<Long> firstSince(String topic, long millis) {
        DiskTopic target = index.topic(topic);
        synchronized (target.ring) {
            return CompletableFuture.completedFuture(target.ring.firstSince(millis));
        }
    }

    @Override
    public CompletableFuture<TopicState> state(String topic) {
        DiskTopic target = index.topic(topic);
        synchronized (target.ring) {
            return CompletableFuture.completedFuture(target.ring.state());
        }
    }

    @Override
    public void forget(String topic) {
        DiskTopic target = index.find(topic);
        if (target == null) {
            return;
        }
        boolean inLog;
        synchronized (target.ring) {
            inLog = target.headerQueued;
        }
        if (index.remove(target)) {
            if (inLog) {
                // Its id is given back once the record is written: a topic made meanwhile gets another.
                writer.submit(new LogWriter.Forget(target, clock.millis()));
            } else {
                index.released(target);
            }
        }
    }

    @Override
    public void expire(long nowMillis) {
        HistoryLimits limits = index.limits;
        if (!limits.expires()) {
            return;
        }
        long before = nowMillis - limits.maxAge().toMillis();
        for (DiskTopic topic : index.topics()) {
            long freed;
            synchronized (topic.ring) {
                freed = topic.ring.trimOlderThan(before);
            }
            index.total.add(-freed);
        }
        // Topics that went quiet expire without an append: their disk comes back only through a rewrite.
        rewrite.startIfDue();
    }

    /** The writer; for tests that hold it up to set up a race. */
    LogWriter writer() {
        return writer;
    }

    /** Rewrites the log now, due or not, and returns once done; for tests. */
    void rewriteNow() throws Exception {
        rewrite.runNow();
    }

    /** Rewrites of the log since start. */
    public long rewrites() {
        return rewrite.rewrites();
    }

    @Override
    public List<StoredTopic> restored() {
        return restored;
    }

    @Override
    public long bytes() {
        return index.total.bytes();
    }

    @Override
    public long bytes(String topic) {
        DiskTopic target = index.find(topic);
        if (target == null) {
            return 0;
        }
        synchronized (target.ring) {
            return target.ring.bytes();
        }
    }

    @Override
    public long trimmedForTotal() {
        return index.total.trimmed();
    }

    @Override
    public HistoryLimits limits() {
        return index.limits;
    }

    /** Bytes the log's files hold now: what the history holds, and what expired and awaits a rewrite. */
    public long diskBytes() {
        return index.logBytes();
    }

    /** The options it runs with. */
    public DiskOptions options() {
        return options;
    }

    /** {@code fsync} calls made since start. */
    public long fsyncs() {
        return writer.fsyncs();
    }

    @Override
    public String describe() {
        return "on disk in " + directory.path() + " (" + ByteSize.format(diskBytes()) + " in "
                + index.segments().size() + " files, " + rewrite.rewrites() + " rewrites since start, --fsync "
                + options.fsync().label() + ")";
    }

    @Override
    public void close() {
        rewrite.close();
        LogPosition end;
        try {
            end = writer.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            end = null;
        }
        reader.close();
        try {
            if (end != null) {
                directory.markStopped(options.fsync(), end);
            } else {
                log.warn("history in {} was not stopped cleanly: the next start checks it as after a crash",
                        directory.path());
            }
        } catch (IOException e) {
            log.warn("could not record the clean stop in {}: {}", directory.path(), e.toString());
        } finally {
            if (end != null || !writer.isRunning()) {
                index.segments().forEach(Segment::release);
                directory.close();
            }
        }
    }
}
