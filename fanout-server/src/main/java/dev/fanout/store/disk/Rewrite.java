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
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
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

    Rewrite(DataDirectory directory, DiskOptions options, LogIndex index, LogWriter writer) {
        this.directory = directory;
        this.options = options;
        this.index = index;
        this.writer = writer;
    }

    /** Whether the log holds enough that a rewrite would pay: more than twice what is retained, plus a segment. */
    boolean due() {
        return index.logBytes() > 2 * index.total.bytes() + options.segmentBytes();
    }

    /** Starts a rewrite if one is due and none runs. Any thread. */
    void startIfDue() {
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

    /** What the writer saw when it moved on: the new first segment, and each topic's epoch and last there. */
    private record Start(long first, Map<DiskTopic, long[]> lasts) {
    }

    private void run() {
        try {
            CompletableFuture<Start> started = new CompletableFuture<>();
            writer.submit(new LogWriter.Task(w -> started.complete(w.rollNow() ? snapshot() : null)));
            Start start = started.get(60, TimeUnit.SECONDS);
            if (start != null && !closed) {
                rewrite(start);
            }
        } catch (Exception e) {
            log.error("could not rewrite the history log in {}: {}; the log keeps growing until a rewrite succeeds",
                    directory.path(), e.toString());
        } finally {
            running.set(false);
        }
    }

    /** On the writer thread, right after it moved on: every topic's epoch and last number in the files before. */
    private Start snapshot() {
        Map<DiskTopic, long[]> lasts = new IdentityHashMap<>();
        for (DiskTopic topic : index.topics()) {
            synchronized (topic.ring) {
                if (topic.headerWritten && !topic.forgotten) {
                    lasts.put(topic, new long[] {topic.ring.epoch(), topic.ring.last()});
                }
            }
        }
        return new Start(writer.current().number(), lasts);
    }

    /** Where a copied message lies now. */
    private record Moved(DiskTopic topic, IndexEntry entry, int offset) {
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
        rewrites.increment();
        log.info("history log rewritten: {} in {} files became a base of {} ({} messages of {} topics) in {} ms",
                ByteSize.format(oldBytes), before.size(), ByteSize.format(base.size()), moved.size(),
                start.lasts().size(), (System.nanoTime() - began) / 1_000_000);
        if (copied != base.size()) {
            log.warn("history rewrite: the base holds {} bytes where {} were copied", base.size(), copied);
        }
    }

    /** Writes each topic's numbering and its retained messages from before the new segment; returns the bytes. */
    private long copy(Start start, FileChannel out, List<Moved> moved) throws IOException {
        ByteBuf header = Unpooled.buffer(256);
        long position = 0;
        ByteBuffer record = ByteBuffer.allocate(64 * 1024);
        for (Map.Entry<DiskTopic, long[]> snapshot : start.lasts().entrySet()) {
            DiskTopic topic = snapshot.getKey();
            long epoch = snapshot.getValue()[0];
            long last = snapshot.getValue()[1];
            List<IndexEntry> entries;
            TopicHeader numbering;
            synchronized (topic.ring) {
                if (topic.forgotten || topic.ring.epoch() != epoch) {
                    // Forgotten or started afresh since: a record after the new segment says so.
                    continue;
                }
                entries = new ArrayList<>();
                for (long seq = topic.ring.first(); seq <= last; seq++) {
                    entries.add(topic.ring.find(seq));
                }
                long next = entries.isEmpty() ? last + 1 : entries.get(0).sequence;
                numbering = new TopicHeader(epoch, topic.ring.epochFirst(), next, topic.ring.newestGoneAtMillis());
            }
            header.clear();
            LogRecord.writeTopic(header, topic.id, numbering, topic.nameUtf8, crc);
            position += write(out, header.nioBuffer(), position);
            for (IndexEntry entry : entries) {
                Segment from;
                int offset;
                synchronized (topic.ring) {
                    from = entry.segment;
                    offset = entry.offset;
                }
                if (record.capacity() < entry.size) {
                    record = ByteBuffer.allocate(entry.size);
                }
                record.clear().limit(entry.size);
                from.read(record, offset);
                record.flip();
                if (LogRecord.check(record, 0, entry.size, crc) != LogRecord.Check.WHOLE
                        || LogRecord.sequence(record, 0) != entry.sequence
                        || LogRecord.topicId(record, 0) != topic.id) {
                    throw new IOException("message " + entry.sequence + " of " + topic + " is damaged in " + from
                            + " at byte " + offset);
                }
                moved.add(new Moved(topic, entry, (int) position));
                position += write(out, record, position);
            }
        }
        return position;
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
