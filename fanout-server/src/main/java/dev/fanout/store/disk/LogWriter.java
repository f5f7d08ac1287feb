package dev.fanout.store.disk;

import dev.fanout.hub.Message;
import dev.fanout.hub.Origin;
import dev.fanout.hub.PublishRefusedException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The one thread that writes the log. Appends from every topic queue up while it writes; it takes all that waits,
 * encodes it into one buffer and writes it with one call, so that a burst of publishes costs few system calls
 * (and, with {@link FsyncPolicy#ALWAYS}, one {@code fsync} for all of them: group commit). Only after that are
 * the appends' indexes updated and their futures completed, in the order they were made: an acknowledged or
 * delivered message is always one the log holds (on the disk, with always).
 *
 * <p>With {@link FsyncPolicy#INTERVAL}, a second thread forces what was written every interval; the writer
 * never waits for it. A write that fails (the disk is full) refuses the appends it carried, cuts the segment back
 * to where they began, and voids the numbers handed out after them, so the log never holds a hole.
 */
final class LogWriter {

    private static final Logger log = LoggerFactory.getLogger(LogWriter.class);

    /** Most appends taken at once. */
    private static final int MAX_BATCH = 4096;
    /** Bytes after which a commit is written before more is encoded. */
    private static final int COMMIT_BYTES = 4 * 1024 * 1024;

    /** Work for the writer. */
    sealed interface Write permits Appends, Forget, Task {
    }

    /**
     * Messages of one topic, numbered already; {@code header}, if not null, says what {@link LogRecord#TOPIC}
     * record goes first, given the topic's index as written so far.
     */
    record Appends(DiskTopic topic, int generation, Function<DiskTopic, TopicHeader> header, List<Message> messages,
                   CompletableFuture<List<Message>> done) implements Write {
    }

    /** A topic forgotten. */
    record Forget(DiskTopic topic, long atMillis) implements Write {
    }

    /** Something to do on the writer thread between commits: a rewrite's roll, the close. */
    record Task(Consumer<LogWriter> action) implements Write {
    }

    /** What a commit applies once written: an append's index entries and the header it wrote first. */
    private record Written(Appends appends, TopicHeader header, List<IndexEntry> entries) {
    }

    private final DataDirectory directory;
    private final DiskOptions options;
    private final LogIndex index;
    private final LinkedBlockingQueue<Write> queue = new LinkedBlockingQueue<>();
    private final List<Write> batch = new ArrayList<>();
    private final List<Written> commit = new ArrayList<>();
    private final CRC32C crc = new CRC32C();
    private final ByteBuf buffer = PooledByteBufAllocator.DEFAULT.directBuffer(64 * 1024);
    private final Thread thread;
    private final ScheduledExecutorService syncer;
    /** Segments rolled away from and not yet forced (interval policy). */
    private final Queue<Segment> unsynced = new ConcurrentLinkedQueue<>();
    private final LongAdder fsyncs = new LongAdder();
    private final LongAdder bytesWritten = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private Origin lastOrigin;
    private byte[] lastOriginName;
    private volatile Segment current;
    private volatile boolean dirty;
    private volatile boolean stopped;
    /** After a failed write could not be undone: the log's end is unknown, so nothing more is written. */
    private volatile IOException broken;

    LogWriter(DataDirectory directory, DiskOptions options, LogIndex index, Segment current) {
        this.directory = directory;
        this.options = options;
        this.index = index;
        this.current = current;
        this.thread = new DefaultThreadFactory("fanout-history-writer", true).newThread(this::run);
        if (options.fsync() == FsyncPolicy.INTERVAL) {
            ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1,
                    new DefaultThreadFactory("fanout-history-sync", true));
            long every = options.fsyncInterval().toNanos();
            executor.scheduleWithFixedDelay(this::syncNow, every, every, TimeUnit.NANOSECONDS);
            syncer = executor;
        } else {
            syncer = null;
        }
    }

    void start() {
        thread.start();
    }

    /** Queues work; appends refused at once once the writer stopped. */
    void submit(Write write) {
        if (stopped) {
            refuse(write, new IllegalStateException("the server is stopping"));
            return;
        }
        queue.add(write);
    }

    /** The segment being appended to. */
    Segment current() {
        return current;
    }

    private void run() {
        try {
            while (!stopped || !queue.isEmpty()) {
                Write first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                process();
                batch.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            log.error("the history writer failed; publishes are refused from now on; restart the server", e);
            broken = new IOException("the history writer failed: " + e, e);
            stopped = true;
            for (Write write; (write = queue.poll()) != null; ) {
                refuse(write, broken);
            }
        } finally {
            buffer.release();
        }
    }

    private void process() {
        for (Write write : batch) {
            if (write instanceof Task task) {
                commit();
                task.action().accept(this);
            } else if (broken != null) {
                refuse(write, broken);
            } else if (write instanceof Appends appends) {
                encode(appends);
            } else if (write instanceof Forget forget) {
                roomFor(LogRecord.MIN_LENGTH + LogRecord.PREFIX_BYTES);
                LogRecord.writeForget(buffer, forget.topic().id, forget.atMillis(), crc);
            }
            if (buffer.readableBytes() >= COMMIT_BYTES) {
                commit();
            }
        }
        commit();
    }

    private void encode(Appends appends) {
        DiskTopic topic = appends.topic();
        TopicHeader header = null;
        synchronized (topic.ring) {
            if (appends.generation() != topic.generation) {
                refuse(appends, new IOException("an earlier write of " + topic + " failed"));
                return;
            }
            if (appends.header() != null) {
                header = appends.header().apply(topic);
            }
        }
        if (header != null) {
            roomFor(LogRecord.HEADER_BYTES + 16 + topic.nameUtf8.length);
            LogRecord.writeTopic(buffer, topic.id, header, topic.nameUtf8, crc);
        }
        List<IndexEntry> entries = new ArrayList<>(appends.messages().size());
        for (Message message : appends.messages()) {
            roomFor(LogRecord.APPEND_OVERHEAD + LogRecord.MAX_NAME_BYTES + message.size());
            long offset = current.size() + buffer.readableBytes();
            int size = LogRecord.writeAppend(buffer, topic.id, message.sequence(), message.publishedAtMillis(),
                    message.origin().clientId(), nameOf(message.origin()), message.payload(), crc);
            entries.add(new IndexEntry(message.sequence(), message.publishedAtMillis(), size, true, current,
                    (int) offset));
        }
        commit.add(new Written(appends, header, entries));
    }

    /** The publisher's name in UTF-8, cut to what a record keeps; the last one is remembered, as bursts share it. */
    private byte[] nameOf(Origin origin) {
        if (origin != lastOrigin) {
            byte[] name = origin.name().getBytes(StandardCharsets.UTF_8);
            lastOriginName = name.length <= LogRecord.MAX_NAME_BYTES ? name
                    : Arrays.copyOf(name, LogRecord.MAX_NAME_BYTES);
            lastOrigin = origin;
        }
        return lastOriginName;
    }

    /** Makes sure a record of {@code size} bytes fits the current segment, rolling to a new one if not. */
    private void roomFor(int size) {
        long end = current.size() + buffer.readableBytes();
        if (end > 0 && end + size > options.segmentBytes()) {
            commit();
            if (broken == null) {
                roll();
            }
        }
    }

    /** Writes what is encoded, forces it if the policy says so, then applies it and completes its appends. */
    private void commit() {
        if (buffer.readableBytes() == 0 && commit.isEmpty()) {
            return;
        }
        long start = current.size();
        try {
            int bytes = buffer.readableBytes();
            current.append(buffer.nioBuffer());
            buffer.clear();
            bytesWritten.add(bytes);
            if (options.fsync() == FsyncPolicy.ALWAYS) {
                current.force();
                fsyncs.increment();
            } else {
                dirty = true;
            }
        } catch (IOException e) {
            buffer.clear();
            failed(start, e);
            return;
        }
        for (Written written : commit) {
            index.applyWritten(written.appends().topic(), written.header(), written.entries());
        }
        for (Written written : commit) {
            written.appends().done().complete(written.appends().messages());
        }
        commit.clear();
        index.written();
    }

    /** A write failed: refuse what it carried and cut the segment back to where it began. */
    private void failed(long start, IOException e) {
        failures.increment();
        log.error("could not write history to {} ({}): the publishes it carried are refused; check the disk "
                + "(space, permissions, errors in the system log)", current.path(), e.toString());
        for (Written written : commit) {
            DiskTopic topic = written.appends().topic();
            synchronized (topic.ring) {
                topic.writeFailed();
            }
            refuse(written.appends(), e);
        }
        commit.clear();
        try {
            current.truncate(start);
        } catch (IOException cut) {
            broken = cut;
            log.error("could not cut {} back to {} bytes after the failed write ({}): no more history is written; "
                    + "fix the disk and restart the server", current.path(), start, cut.toString());
        }
    }

    /**
     * Moves on to a new segment now, on the writer thread between commits, for a rewrite; returns whether it did
     * (not if the writer is broken).
     */
    boolean rollNow() {
        if (broken != null) {
            return false;
        }
        roll();
        return broken == null;
    }

    /** Moves on to a new segment; the one left is forced now (always) or by the syncer (interval). */
    private void roll() {
        Segment left = current;
        try {
            if (options.fsync() == FsyncPolicy.INTERVAL) {
                left.retain();
                unsynced.add(left);
            }
            Segment next = Segment.open(directory.segmentPath(left.number() + 1), left.number() + 1, false);
            DataDirectory.forceDirectory(directory.path());
            index.added(next);
            current = next;
        } catch (IOException e) {
            broken = e;
            log.error("could not start a new history segment in {} ({}): no more history is written; fix the disk "
                    + "and restart the server", directory.path(), e.toString());
        }
    }

    /** Forces what was written since the last time (interval policy). */
    void syncNow() {
        try {
            for (Segment left; (left = unsynced.poll()) != null; ) {
                try {
                    left.force();
                    fsyncs.increment();
                } finally {
                    left.release();
                }
            }
            if (dirty) {
                dirty = false;
                current.force();
                fsyncs.increment();
            }
        } catch (IOException e) {
            failures.increment();
            log.error("could not fsync the history log in {} ({}): what was written may not survive a power loss; "
                    + "check the disk", directory.path(), e.toString());
        } catch (RuntimeException e) {
            log.error("could not fsync the history log in {}", directory.path(), e);
        }
    }

    /**
     * Writes everything queued, forces it all and stops; returns where the log ends, or null if the writer is
     * broken and the end is unknown.
     */
    LogPosition stop() throws InterruptedException {
        CompletableFuture<LogPosition> end = new CompletableFuture<>();
        queue.add(new Task(writer -> {
            stopped = true;
            try {
                writer.syncNow();
                writer.current.force();
                end.complete(broken == null ? new LogPosition(current.number(), current.size()) : null);
            } catch (IOException e) {
                end.complete(null);
            }
        }));
        thread.join(TimeUnit.SECONDS.toMillis(30));
        if (syncer != null) {
            syncer.shutdownNow();
        }
        for (Segment left; (left = unsynced.poll()) != null; ) {
            left.release();
        }
        stopped = true;
        for (Write write; (write = queue.poll()) != null; ) {
            refuse(write, new IllegalStateException("the server is stopping"));
        }
        return end.getNow(null);
    }

    private static void refuse(Write write, Exception cause) {
        if (write instanceof Appends appends) {
            appends.messages().forEach(Message::release);
            appends.done().completeExceptionally(new PublishRefusedException(PublishRefusedException.Reason.UNAVAILABLE,
                    "history could not be written: " + cause.getMessage()));
        }
    }

    /** {@code fsync} calls made since start. */
    long fsyncs() {
        return fsyncs.sum();
    }

    /** Bytes written since start. */
    long bytesWritten() {
        return bytesWritten.sum();
    }

    /** Writes and fsyncs that failed since start. */
    long failures() {
        return failures.sum();
    }
}
