package dev.fanout.store.disk;

import dev.fanout.hub.Message;
import dev.fanout.hub.Origin;
import dev.fanout.hub.Position;
import dev.fanout.store.HistoryLimits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/** Opens disk stores on a test's directory and reads and writes them as clients would. */
final class DiskStores implements AutoCloseable {

    static final Origin ALICE = new Origin(7, "alice");

    private final Path directory;
    private final AtomicLong epochs = new AtomicLong(100);
    private final List<DiskHistory> open = new ArrayList<>();
    private DiskOptions options;
    private HistoryLimits limits = new HistoryLimits(1000, 1 << 20, 64L << 20);

    DiskStores(Path directory) {
        this.directory = directory;
        this.options = DiskOptions.in(directory);
    }

    DiskStores limits(HistoryLimits value) {
        limits = value;
        return this;
    }

    DiskStores options(DiskOptions value) {
        options = value;
        return this;
    }

    Path directory() {
        return directory;
    }

    /** Opens the store; epochs count up from 101. */
    DiskHistory open() {
        DiskHistory store = DiskHistory.open(options, limits, Clock.systemUTC(), epochs::incrementAndGet);
        open.add(store);
        return store;
    }

    /** Closes {@code store} cleanly and opens it again. */
    DiskHistory reopen(DiskHistory store) {
        close(store);
        return open();
    }

    void close(DiskHistory store) {
        open.remove(store);
        store.close();
    }

    static ByteBuf text(String text) {
        return ByteBufUtil.writeUtf8(ByteBufAllocator.DEFAULT, text);
    }

    /** Appends texts from alice and releases what the store hands back; returns the last position. */
    static Position append(DiskHistory store, String topic, String... texts) {
        return append(store, topic, 0, texts);
    }

    /** As {@link #append(DiskHistory, String, String...)}, published at {@code millis}. */
    static Position append(DiskHistory store, String topic, long millis, String... texts) {
        List<ByteBuf> payloads = new ArrayList<>();
        for (String t : texts) {
            payloads.add(text(t));
        }
        List<Message> stored = store.append(topic, payloads, ALICE, millis).join();
        Position last = stored.get(stored.size() - 1).position();
        stored.forEach(Message::release);
        return last;
    }

    /** Reads as "sequence:text" from {@code from} on. */
    static List<String> read(DiskHistory store, String topic, long from) {
        List<Message> messages = store.read(topic, from, Integer.MAX_VALUE, Long.MAX_VALUE).join();
        List<String> out = new ArrayList<>();
        for (Message m : messages) {
            out.add(m.sequence() + ":" + m.payload().toString(StandardCharsets.UTF_8));
            m.release();
        }
        return out;
    }

    /** The log's files in order: the base if any, then the segments. */
    List<Path> logFiles() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".log")).sorted().toList();
        }
    }

    /** What a run that crashed leaves: RUN says it was running, on this boot, with {@code fsync}. */
    void markCrashed(FsyncPolicy fsync, String boot) throws IOException {
        Files.writeString(directory.resolve(DataDirectory.RUN), "state=running\nboot=" + boot + "\nfsync="
                + fsync.label() + "\n");
    }

    /** As {@link #markCrashed(FsyncPolicy, String)} on this boot of the machine. */
    void markCrashed(FsyncPolicy fsync) throws IOException {
        markCrashed(fsync, DataDirectory.bootId());
    }

    @Override
    public void close() {
        List.copyOf(open).forEach(this::close);
    }
}
