package dev.fanout.store.disk;

import dev.fanout.hub.Message;
import dev.fanout.hub.Origin;
import dev.fanout.hub.PublishRefusedException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 *
 * <p>The writer also knows which topics the log names, as written (see {@link #named()}): what a rewrite must
 * name in its base so that every record after it refers to a topic the log names.
 */
final class LogWriter {

    private static final Logger log = LoggerFactory.getLogger(LogWriter.class);

    /** Most appends taken at once. */
    private static final int MAX_BATCH = 4096;
    /** Bytes after which a commit is written before more is encoded. */
    private static final int COMMIT_BYTES = 4 * 1024 * 1024;
    /** The buffer's size between commits; one that grew past twice the commit size for a big message shrinks. */
    private static final int BUFFER_BYTES = 64 * 1024;

    /** Work for the writer. */
    sealed interface Write permits Appends, Forget, Epoch, Task {
    }

    /**
     * Messages of one topic, numbered already, numbered in the topic's {@code generation}; {@code header}, if not
     * null, is the {@link LogRecord#TOPIC} record that goes first (a new topic, a new epoch, a jump).
     */
    record Appends(DiskTopic topic, int generation, TopicHeader header, List<Message> messages,
                   CompletableFuture<List<Message>> done) implements Write {
    }

    /** A topic forgotten. */
    record Forget(DiskTopic topic, long atMillis) implements Write {
    }

    /** A topic's history put in a new epoch, as it is (recovery's renewal); {@code done} once written. */
    record Epoch(DiskTopic topic, long epoch, long atMillis, CompletableFuture<Void> done) implements Write {
    }

    /** Something to do on the writer thread between commits: a rewrite's roll, a force, the stop. */
    record Task(Consumer<LogWriter> action) implements Write {
    }

    /** A topic as the log names it, as written: its numbering as of its last record. */
    record Named(DiskTopic topic, long epoch, long epochFirst, long last, long goneAtMillis) {
    }

    /** What a commit applies once written: an append's index entries and the header it wrote first. */
    private record Written(Appends appends, List<IndexEntry> entries) {
    }

    private final DataDirectory directory;
    private final DiskOptions options;
    private final LogIndex index;
    private final LinkedBlockingQueue<Write> queue = new LinkedBlockingQueue<>();
    private final List<Write> batch = new ArrayList<>();
    private final List<Written> commit = new ArrayList<>();
    /** Epochs in the commit being encoded. */
    private final List<Epoch> epochs = new ArrayList<>();
    /** Forgets in the commit being encoded; written again first if it fails. */
    private final List<Forget> forgets = new ArrayList<>();
    private final List<Forget> retryForgets = new ArrayList<>();
    /** Writer-confined: by topic id, what the log names as written. */
    private final Map<Integer, Named> named = new HashMap<>();
    private final CRC32C crc = new CRC32C();
    private ByteBuf buffer = PooledByteBufAllocator.DEFAULT.directBuffer(BUFFER_BYTES);
    private final Thread thread;
    private final ScheduledThreadPoolExecutor syncer;
    /** Segments rolled away from and not yet forced (interval and os policies). */
    private final Queue<Segment> unsynced = new ConcurrentLinkedQueue<>();
    private final LongAdder fsyncs = new LongAdder();
    private final LongAdder bytesWritten = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private Origin lastOrigin;
    private byte[] lastOriginName;
    private volatile Segment current;
    private volatile boolean dirty;
    /** Set by {@link #stop()} before its last task: no more work is taken. */
    private volatile boolean stopping;
    /** Set by that task, on the writer thread: what comes after it is refused. */
    private boolean ended;
    /** After a failed write could not be undone: the log's end is unknown, so nothing more is written. */
    private volatile IOException broken;

    /** A writer appending to {@code current}, after the topics recovery found the log naming. */
    LogWriter(DataDirectory directory, DiskOptions options, LogIndex index, Segment current, List<Named> named) {
        this.directory = directory;
        this.options = options;
        this.index = index;
        this.current = current;
        named.forEach(n -> this.named.put(n.topic().id, n));
        this.thread = new DefaultThreadFactory("fanout-history-writer", true).newThread(this::run);
        if (options.fsync() == FsyncPolicy.INTERVAL) {
            syncer = new ScheduledThreadPoolExecutor(1, new DefaultThreadFactory("fanout-history-sync", true));
            long every = options.fsyncInterval().toNanos();
            syncer.scheduleWithFixedDelay(this::syncNow, every, every, TimeUnit.NANOSECONDS);
        } else {
            syncer = null;
        }
    }

    void start() {
        thread.start();
    }

    /** Queues work; refused at once once the writer is stopping. */
    void submit(Write write) {
        if (stopping) {
            refuse(write, new IllegalStateException("the server is stopping"));
            return;
        }
        queue.add(write);
    }

    /** The segment being appended to. */
    Segment current() {
        return current;
    }

    /** What the log names, as written; on the writer thread only (in a {@link Task}). */
    List<Named> named() {
        return List.copyOf(named.values());
    }

    private void run() {
        try {
            while (!ended) {
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
        } finally {
            ended = true;
            stopping = true;
            for (Write write; (write = queue.poll()) != null; ) {
                refuse(write, broken != null ? broken : new IllegalStateException("the server is stopping"));
            }
            buffer.release();
        }
    }

    private void process() {
        encodeRetriedForgets();
        for (Write write : batch) {
            if (ended) {
                refuse(write, new IllegalStateException("the server is stopping"));
            } else if (write instanceof Task task) {
                commit();
                task.action().accept(this);
            } else if (broken != null) {
                refuse(write, broken);
            } else if (write instanceof Appends appends) {
                encode(appends);
            } else if (write instanceof Forget forget) {
                encode(forget);
            } else if (write instanceof Epoch epoch) {
                roomFor(LogRecord.HEADER_BYTES + 8);
                LogRecord.writeEpoch(buffer, epoch.topic().id, epoch.epoch(), epoch.atMillis(), crc);
                epochs.add(epoch);
            }
            if (buffer.readableBytes() >= COMMIT_BYTES) {
                commit();
            }
        }
        commit();
    }

    /** Forgets whose commit failed go first in the next: a topic of the same id made since comes after them. */
    private void encodeRetriedForgets() {
        if (!retryForgets.isEmpty() && broken == null) {
            List<Forget> again = List.copyOf(retryForgets);
            retryForgets.clear();
            again.forEach(this::encode);
        }
    }

    private void encode(Forget forget) {
        roomFor(LogRecord.MIN_LENGTH + LogRecord.PREFIX_BYTES);
        LogRecord.writeForget(buffer, forget.topic().id, forget.atMillis(), crc);
        forgets.add(forget);
    }

    private void encode(Appends appends) {
        DiskTopic topic = appends.topic();
        boolean stale;
        synchronized (topic.ring) {
            stale = appends.generation() != topic.generation;
        }
        if (stale) {
            refuse(appends, new IOException("an earlier write of " + topic + " failed"));
            return;
        }
        // Room for the whole of it first: a commit never splits an append, so that one that fails refuses it whole.
        long bytes = appends.header() == null ? 0 : LogRecord.HEADER_BYTES + 16 + topic.nameUtf8.length;
        for (Message message : appends.messages()) {
            bytes += LogRecord.APPEND_OVERHEAD + nameOf(message.origin()).length + message.size();
        }
        roomFor(bytes);
        if (appends.header() != null) {
            LogRecord.writeTopic(buffer, topic.id, appends.header(), topic.nameUtf8, crc);
        }
        List<IndexEntry> entries = new ArrayList<>(appends.messages().size());
        for (Message message : appends.messages()) {
            long offset = current.size() + buffer.readableBytes();
            int size = LogRecord.writeAppend(buffer, topic.id, message.sequence(), message.publishedAtMillis(),
                    message.origin().clientId(), nameOf(message.origin()), message.payload(), crc);
            entries.add(new IndexEntry(message.sequence(), message.publishedAtMillis(), size, true, current, offset));
        }
        commit.add(new Written(appends, entries));
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

    /**
     * Makes sure {@code size} more bytes fit the current segment, committing what is encoded and rolling to a new
     * segment if not; what is larger than a segment goes alone into a new one.
     */
    private void roomFor(long size) {
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
        if (buffer.readableBytes() == 0 && commit.isEmpty() && forgets.isEmpty() && epochs.isEmpty()) {
            return;
        }
        long start = current.size();
        try {
            int bytes = buffer.readableBytes();
            current.append(buffer.nioBuffer());
            bytesWritten.add(bytes);
            if (options.fsync() == FsyncPolicy.ALWAYS) {
                current.force();
                fsyncs.increment();
            } else {
                dirty = true;
            }
        } catch (IOException e) {
            failed(start, e);
            return;
        } finally {
            resetBuffer();
        }
        for (Written written : commit) {
            index.applyWritten(written.appends().topic(), written.appends().header(), written.entries());
            name(written);
        }
        for (Forget forget : forgets) {
            Named was = named.get(forget.topic().id);
            if (was != null && was.topic() == forget.topic()) {
                named.remove(forget.topic().id);
            }
            index.released(forget.topic());
        }
        forgets.clear();
        for (Epoch epoch : epochs) {
            Named was = named.get(epoch.topic().id);
            if (was != null && was.topic() == epoch.topic()) {
                named.put(epoch.topic().id, new Named(was.topic(), epoch.epoch(), was.epochFirst(), was.last(),
                        was.goneAtMillis()));
            }
            epoch.done().complete(null);
        }
        epochs.clear();
        for (Written written : commit) {
            written.appends().done().complete(written.appends().messages());
        }
        commit.clear();
        index.written();
    }

    /** Keeps what the log now names for the topic of {@code written}. */
    private void name(Written written) {
        DiskTopic topic = written.appends().topic();
        TopicHeader header = written.appends().header();
        Named before = named.get(topic.id);
        Named now = header != null
                ? new Named(topic, header.epoch(), header.epochFirst(), header.next() - 1, header.goneAtMillis())
                : before;
        if (now == null) {
            return;
        }
        List<IndexEntry> entries = written.entries();
        if (!entries.isEmpty()) {
            now = new Named(topic, now.epoch(), now.epochFirst(), entries.get(entries.size() - 1).sequence,
                    now.goneAtMillis());
        }
        named.put(topic.id, now);
    }

    private void resetBuffer() {
        buffer.clear();
        if (buffer.capacity() > 2 * COMMIT_BYTES) {
            buffer.release();
            buffer = PooledByteBufAllocator.DEFAULT.directBuffer(BUFFER_BYTES);
        }
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
        }
        for (Written written : commit) {
            refuse(written.appends(), e);
        }
        commit.clear();
        retryForgets.addAll(forgets);
        forgets.clear();
        epochs.forEach(epoch -> epoch.done().completeExceptionally(e));
        epochs.clear();
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

    /** Moves on to a new segment; the one left is forced now (always), by the syncer (interval) or at the stop. */
    private void roll() {
        Segment left = current;
        try {
            Segment next = Segment.open(directory.segmentPath(left.number() + 1), left.number() + 1, false);
            DataDirectory.forceDirectory(directory.path());
            if (options.fsync() != FsyncPolicy.ALWAYS) {
                left.retain();
                unsynced.add(left);
            }
            index.added(next);
            current = next;
        } catch (IOException e) {
            broken = e;
            log.error("could not start a new history segment in {} ({}): no more history is written; fix the disk "
                    + "and restart the server", directory.path(), e.toString());
        }
    }

    /** Forces what was written since the last time: the syncer's task (interval), and the stop's. */
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

    /** Forces everything written so far and returns once it is on the disk. */
    void forceAll() throws IOException {
        CompletableFuture<Void> forced = new CompletableFuture<>();
        submit(new Task(writer -> {
            writer.syncNow();
            try {
                writer.current.force();
                forced.complete(null);
            } catch (IOException e) {
                forced.completeExceptionally(e);
            }
        }));
        try {
            forced.get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while forcing the history log", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("could not force the history log: " + e.getMessage(), e);
        }
    }

    /**
     * Writes everything queued before this call, forces it all and stops; what is submitted after is refused.
     * Returns where the log ends, or null if the writer is broken or did not stop in time, and the end is
     * unknown.
     */
    LogPosition stop() throws InterruptedException {
        stopping = true;
        if (syncer != null) {
            // Before the last force: an interrupt during a force would close the segment's channel.
            syncer.shutdown();
            syncer.awaitTermination(30, TimeUnit.SECONDS);
        }
        CompletableFuture<LogPosition> end = new CompletableFuture<>();
        queue.add(new Task(writer -> {
            writer.ended = true;
            writer.syncNow();
            try {
                writer.current.force();
                end.complete(broken == null ? new LogPosition(current.number(), current.size()) : null);
            } catch (IOException e) {
                end.complete(null);
            }
        }));
        thread.join(TimeUnit.SECONDS.toMillis(30));
        if (thread.isAlive()) {
            log.warn("the history writer did not stop within 30 s; the next start checks the log as after a crash");
            return null;
        }
        for (Segment left; (left = unsynced.poll()) != null; ) {
            left.release();
        }
        return end.getNow(null);
    }

    private static void refuse(Write write, Exception cause) {
        if (write instanceof Epoch epoch) {
            epoch.done().completeExceptionally(cause);
        }
        if (write instanceof Appends appends) {
            appends.messages().forEach(Message::release);
            appends.done().completeExceptionally(new PublishRefusedException(PublishRefusedException.Reason.UNAVAILABLE,
                    "history could not be written: " + cause.getMessage()));
        }
    }

    /** Writes waiting for the writer. */
    int waiting() {
        return queue.size();
    }

    /** Whether the writer thread still runs. */
    boolean isRunning() {
        return thread.isAlive();
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
