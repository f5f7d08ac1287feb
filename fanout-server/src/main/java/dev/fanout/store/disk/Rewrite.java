package dev.fanout.store.disk;

import dev.fanout.protocol.ByteSize;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the log's size bounded by what the topics retain, as Redis rewrites its append-only file: once the log's
 * files hold more than twice what is retained plus a segment, the writer moves on to a new segment, and every
 * topic's retained messages in the files before it are copied into one new base file; the manifest then names
 * the base and the segments from the new one on, atomically, and the older files are deleted. Messages that
 * expired, topics forgotten, and topics that went quiet cost no disk after that. One rewrite at a time, on a
 * thread of its own; appends and reads go on meanwhile.
 *
 * <p>A crash at any point leaves a log that recovery reads: before the manifest names the new base, the old files
 * are the log and the unfinished base is removed; after, the base and the new segments are, and the old files are
 * removed.
 */
final class Rewrite implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Rewrite.class);

    private final DataDirectory directory;
    private final DiskOptions options;
    private final LogIndex index;
    private final LogWriter writer;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(
            new DefaultThreadFactory("fanout-history-rewrite", true));
    private final AtomicBoolean running = new AtomicBoolean();
    private final CRC32C crc = new CRC32C();
    private final LongAdder rewrites = new LongAdder();
    private volatile boolean closed;
    /** The base the last rewrite made: a log that holds little more than it is not worth rewriting. */
    private volatile long lastBaseBytes;
    /** After a failed rewrite, none is started before this ({@link System#nanoTime()}); 0 when none failed. */
    private volatile long retryAfterNanos;
    private long backoffNanos = FIRST_BACKOFF_NANOS;

    /** The wait after a first failed rewrite: 10 s, doubling with each failure in a row up to 10 minutes. */
    private static final long FIRST_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.MINUTES.toNanos(10);

    Rewrite(DataDirectory directory, DiskOptions options, LogIndex index, LogWriter writer) {
        this.directory = directory;
        this.options = options;
        this.index = index;
        this.writer = writer;
    }

    /**
     * Whether the log holds enough that a rewrite would pay: more than twice what is retained (or what the last
     * rewrite kept, the topics' names and numbering included), plus a segment.
     */
    boolean due() {
        return index.logBytes() > 2 * Math.max(index.total.bytes(), lastBaseBytes) + options.segmentBytes();
    }

    /** Starts a rewrite if one is due, none runs, and none failed a moment ago. Any thread. */
    void startIfDue() {
        long retryAfter = retryAfterNanos;
        if (retryAfter != 0 && System.nanoTime() - retryAfter < 0) {
            return;
        }
        if (!closed && due() && running.compareAndSet(false, true)) {
            try {
                thread.execute(this::run);
            } catch (RuntimeException e) {
                running.set(false);
            }
        }
    }

    /** Rewrites now, whether due or not, and returns once done; for tests. */
    void runNow() throws Exception {
        while (!running.compareAndSet(false, true)) {
            Thread.onSpinWait();
        }
        thread.submit(this::run).get(60, TimeUnit.SECONDS);
    }

    /**
     * What the writer saw when it moved on: the new first segment, and every topic the log named then, as written
     * (forgotten or renumbered since or not: records after the new segment may still name it by its id).
     */
    private record Start(long first, List<LogWriter.Named> named) {
    }

    private void run() {
        try {
            CompletableFuture<Start> started = new CompletableFuture<>();
            writer.submit(new LogWriter.Task(w -> started.complete(w.rollNow()
                    ? new Start(w.current().number(), w.named()) : null)));
            Start start = started.get(60, TimeUnit.SECONDS);
            if (start != null && !closed) {
                rewrite(start);
            }
            retryAfterNanos = 0;
            backoffNanos = FIRST_BACKOFF_NANOS;
        } catch (Exception e) {
            retryAfterNanos = System.nanoTime() + backoffNanos;
            log.error("could not rewrite the history log in {}: {}; the log keeps growing until a rewrite succeeds; "
                    + "the next try in {} s", directory.path(), e.toString(),
                    TimeUnit.NANOSECONDS.toSeconds(backoffNanos));
            backoffNanos = Math.min(MAX_BACKOFF_NANOS, 2 * backoffNanos);
        } finally {
            running.set(false);
        }
    }

    /** Where a copied message lies now. */
    private record Moved(DiskTopic topic, IndexEntry entry, long offset) {
    }

    private void rewrite(Start start) throws IOException {
        long began = System.nanoTime();
        // The old base's number is the old first segment's, so it is before the new first too.
        List<Segment> before = index.segments().stream().filter(s -> s.number() < start.first()).toList();
        long oldBytes = before.stream().mapToLong(Segment::size).sum();
        Path temporary = directory.temporaryBasePath(start.first());
        List<Moved> moved = new ArrayList<>();
        long copied;
        try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            copied = copy(start, out, moved);
            out.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        Path basePath = directory.basePath(start.first());
        Files.move(temporary, basePath, StandardCopyOption.ATOMIC_MOVE);
        DataDirectory.forceDirectory(directory.path());
        Segment base = Segment.open(basePath, start.first(), true);
        directory.replaceManifest(new DataDirectory.Manifest(start.first(), true));
        for (Moved m : moved) {
            synchronized (m.topic().ring) {
                m.entry().segment = base;
                m.entry().offset = m.offset();
            }
        }
        index.replaceSegments(before, base);
        before.forEach(Segment::retire);
        lastBaseBytes = base.size();
        rewrites.increment();
        log.info("history log rewritten: {} in {} files became a base of {} ({} messages of {} topics) in {} ms",
                ByteSize.format(oldBytes), before.size(), ByteSize.format(base.size()), moved.size(),
                start.named().size(), (System.nanoTime() - began) / 1_000_000);
        if (copied != base.size()) {
            log.warn("history rewrite: the base holds {} bytes where {} were copied", base.size(), copied);
        }
    }

    /**
     * Writes, for every topic the log named when the writer moved on, its numbering then and the messages it
     * retains from before; returns the bytes. A topic forgotten or renumbered since keeps only its numbering,
     * which the records after it supersede. A retained message found damaged is not copied, nor is anything of
     * its topic before it: the topic's history then starts after it, and a client resuming from before is told
     * GAP, as for any message no longer held.
     */
    private long copy(Start start, FileChannel out, List<Moved> moved) throws IOException {
        ByteBuf header = Unpooled.buffer(256);
        long position = 0;
        for (LogWriter.Named named : start.named()) {
            DiskTopic topic = named.topic();
            List<IndexEntry> entries = new ArrayList<>();
            long gone = named.goneAtMillis();
            synchronized (topic.ring) {
                if (!topic.forgotten && topic.ring.epoch() == named.epoch()) {
                    for (long seq = topic.ring.first(); seq <= Math.min(named.last(), topic.ring.last()); seq++) {
                        entries.add(topic.ring.find(seq));
                    }
                    gone = Math.max(gone, topic.ring.newestGoneAtMillis());
                }
            }
            int damaged = lastDamaged(topic, entries);
            if (damaged >= 0) {
                gone = Math.max(gone, dropThrough(topic, entries.get(damaged)));
                entries = entries.subList(damaged + 1, entries.size());
            }
            TopicHeader numbering = new TopicHeader(named.epoch(), named.epochFirst(),
                    entries.isEmpty() ? named.last() + 1 : entries.get(0).sequence, gone);
            header.clear();
            LogRecord.writeTopic(header, topic.id, numbering, topic.nameUtf8, crc);
            position += write(out, header.nioBuffer(), position);
            for (IndexEntry entry : entries) {
                ByteBuffer record = read(topic, entry);
                moved.add(new Moved(topic, entry, position));
                position += write(out, record, position);
            }
        }
        return position;
    }

    /** The index of the last of {@code entries} whose record is damaged, -1 if none is. */
    private int lastDamaged(DiskTopic topic, List<IndexEntry> entries) throws IOException {
        int damaged = -1;
        for (int i = 0; i < entries.size(); i++) {
            ByteBuffer record = read(topic, entries.get(i));
            if (LogRecord.check(record, 0, record.limit(), crc) != LogRecord.Check.WHOLE
                    || LogRecord.sequence(record, 0) != entries.get(i).sequence
                    || LogRecord.topicId(record, 0) != topic.id) {
                damaged = i;
            }
        }
        if (damaged >= 0) {
            log.error("history of {} is damaged on disk at message {}: the rewrite leaves it and the {} before it "
                    + "out; clients resuming from before it are told GAP", topic, entries.get(damaged).sequence,
                    damaged);
        }
        return damaged;
    }

    /** Lets the topic's index go of everything up to {@code through}; returns the newest publish time let go. */
    private long dropThrough(DiskTopic topic, IndexEntry through) {
        long freed = 0;
        long gone;
        synchronized (topic.ring) {
            while (topic.ring.count() > 0 && topic.ring.first() <= through.sequence) {
                freed += topic.ring.trimOldest();
            }
            gone = topic.ring.newestGoneAtMillis();
        }
        index.total.add(-freed);
        return gone;
    }

    private ByteBuffer record = ByteBuffer.allocate(64 * 1024);

    /** The record of {@code entry} as it lies now, in a buffer reused by the next call. */
    private ByteBuffer read(DiskTopic topic, IndexEntry entry) throws IOException {
        Segment from;
        long offset;
        synchronized (topic.ring) {
            from = entry.segment;
            offset = entry.offset;
        }
        if (record.capacity() < entry.size) {
            record = ByteBuffer.allocate(entry.size);
        }
        record.clear().limit(entry.size);
        from.read(record, offset);
        return record.flip();
    }

    private static int write(FileChannel out, ByteBuffer bytes, long position) throws IOException {
        int size = bytes.remaining();
        long at = position;
        while (bytes.hasRemaining()) {
            at += out.write(bytes, at);
        }
        return size;
    }

    /** Rewrites done since start. */
    long rewrites() {
        return rewrites.sum();
    }

    @Override
    public void close() {
        closed = true;
        thread.shutdown();
        try {
            if (!thread.awaitTermination(30, TimeUnit.SECONDS)) {
                log.warn("a history rewrite did not finish within 30 s of the stop; it is left, and the next start "
                        + "removes what it wrote");
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
