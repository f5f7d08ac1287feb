package dev.fanout.store.disk;

import dev.fanout.hub.Message;
import dev.fanout.hub.Origin;
import dev.fanout.hub.Position;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads history from the log for resuming clients, on threads of its own: an event loop asks and gets a future,
 * and never waits for the disk. Each read checks every record it returns (whole, its CRC, its topic and number),
 * so nothing damaged is ever served.
 *
 * <p>Bounded: at most {@link #MAX_WAITING} reads wait for a thread, and what reads hold in memory (from the
 * read until the receiver released every message) is at most {@link #MEMORY_BYTES}; a read waits for room.
 */
final class HistoryReader implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HistoryReader.class);

    /** Threads that read: two keep one slow read from holding up every other. */
    static final int THREADS = 2;
    /** Most reads waiting for a thread; each feed of a resuming client has at most one waiting. */
    static final int MAX_WAITING = 65_536;
    /** Most bytes of history read and not yet released by the clients' feeds. */
    static final int MEMORY_BYTES = 32 * 1024 * 1024;
    /** How long a read waits for room in memory before it fails. */
    private static final long MEMORY_WAIT_SECONDS = 30;

    private final ThreadPoolExecutor threads;
    private final Semaphore memory = new Semaphore(MEMORY_BYTES);
    private final ThreadLocal<CRC32C> crcs = ThreadLocal.withInitial(CRC32C::new);
    private final LongAdder reads = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final AtomicBoolean overloaded = new AtomicBoolean();

    HistoryReader() {
        threads = new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(MAX_WAITING), new DefaultThreadFactory("fanout-history-read", true));
    }

    /** Reads up to {@code maxMessages} (about {@code maxBytes}) of {@code topic} from {@code from} on. */
    CompletableFuture<List<Message>> read(DiskTopic topic, long from, int maxMessages, long maxBytes) {
        CompletableFuture<List<Message>> result = new CompletableFuture<>();
        try {
            threads.execute(() -> {
                try {
                    result.complete(readNow(topic, from, maxMessages, maxBytes));
                } catch (IOException | RuntimeException e) {
                    result.completeExceptionally(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    result.completeExceptionally(e);
                }
            });
            if (overloaded.get() && threads.getQueue().size() < MAX_WAITING / 2
                    && overloaded.compareAndSet(true, false)) {
                log.info("history reads keep up again");
            }
        } catch (RejectedExecutionException e) {
            refused.increment();
            if (overloaded.compareAndSet(false, true)) {
                log.warn("{} history reads wait for the disk: more resuming clients are refused with 'try again' "
                        + "until half of them are done", MAX_WAITING);
            }
            result.completeExceptionally(new IllegalStateException("too many history reads wait (" + MAX_WAITING
                    + "); try again"));
        }
        return result;
    }

    /** One entry's place and number, taken under the topic's lock. */
    private record Place(Segment segment, long offset, int size, long sequence, long publishedAtMillis,
                         boolean fromThisRun) {
    }

    private List<Message> readNow(DiskTopic topic, long from, int maxMessages, long maxBytes)
            throws IOException, InterruptedException {
        List<Place> places = new ArrayList<>();
        Map<Segment, Boolean> held = new IdentityHashMap<>();
        long epoch;
        synchronized (topic.ring) {
            if (topic.forgotten) {
                return List.of();
            }
            epoch = topic.ring.epoch();
            for (IndexEntry entry : topic.ring.read(from, maxMessages, maxBytes)) {
                if (held.putIfAbsent(entry.segment, Boolean.TRUE) == null) {
                    entry.segment.retain();
                }
                places.add(new Place(entry.segment, entry.offset, entry.size, entry.sequence, entry.publishedAtMillis,
                        entry.fromThisRun));
            }
        }
        try {
            if (places.isEmpty()) {
                return List.of();
            }
            return load(topic, epoch, places);
        } finally {
            held.keySet().forEach(Segment::release);
        }
    }

    private List<Message> load(DiskTopic topic, long epoch, List<Place> places)
            throws IOException, InterruptedException {
        int total = 0;
        for (Place place : places) {
            total += place.size();
        }
        int room = Math.min(total, MEMORY_BYTES);
        if (!memory.tryAcquire(room, MEMORY_WAIT_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("history reads hold " + MEMORY_BYTES + " bytes and none was released for "
                    + MEMORY_WAIT_SECONDS + " s");
        }
        ByteBuf chunk = new Budgeted(total, room);
        try {
            byte[] bytes = chunk.array();
            int at = 0;
            int i = 0;
            while (i < places.size()) {
                // Records next to each other in one file (a topic published alone) come in one read.
                Place first = places.get(i);
                int length = first.size();
                int j = i + 1;
                while (j < places.size() && places.get(j).segment() == first.segment()
                        && places.get(j).offset() == first.offset() + length) {
                    length += places.get(j).size();
                    j++;
                }
                first.segment().read(ByteBuffer.wrap(bytes, at, length), first.offset());
                at += length;
                i = j;
            }
            ByteBuffer view = ByteBuffer.wrap(bytes);
            List<Message> messages = new ArrayList<>(places.size());
            int position = 0;
            for (Place place : places) {
                if (!whole(topic, place, view, position)) {
                    if (messages.isEmpty()) {
                        throw new IOException("message " + place.sequence() + " is damaged on disk");
                    }
                    // Serve what comes before it; the next read, from it, fails.
                    break;
                }
                int message = LogRecord.messageOffset(view, position);
                Origin origin = new Origin(place.fromThisRun() ? LogRecord.client(view, position) : Origin.NO_CLIENT,
                        LogRecord.name(view, position));
                messages.add(Message.of(topic.name, topic.nameUtf8, new Position(epoch, place.sequence()),
                        chunk.retainedSlice(position + message, place.size() - message), place.publishedAtMillis(),
                        origin));
                position += place.size();
            }
            reads.increment();
            return messages;
        } finally {
            chunk.release();
        }
    }

    /** False, and logged, for a record that is not whole, not its topic's, or not the number the index says. */
    private boolean whole(DiskTopic topic, Place place, ByteBuffer view, int position) {
        LogRecord.Check check = LogRecord.check(view, position, place.size(), crcs.get());
        String wrong = null;
        if (check != LogRecord.Check.WHOLE) {
            wrong = check.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        } else if (LogRecord.size(view, position) != place.size() || LogRecord.type(view, position) != LogRecord.APPEND
                || !LogRecord.appendFits(view, position)) {
            wrong = "not the message the index holds";
        } else if (LogRecord.topicId(view, position) != topic.id || LogRecord.sequence(view, position)
                != place.sequence()) {
            wrong = "another topic's or number's message";
        }
        if (wrong != null) {
            log.error("history of {} is damaged on disk: message {} in {} at byte {}: {}; it is not served",
                    topic, place.sequence(), place.segment(), place.offset(), wrong);
            return false;
        }
        return true;
    }

    /** Reads made since start. */
    long reads() {
        return reads.sum();
    }

    /** Reads refused since start because too many waited. */
    long refused() {
        return refused.sum();
    }

    @Override
    public void close() {
        // Not shutdownNow: an interrupt during a read would close the file channel every reader shares.
        threads.shutdown();
    }

    /** A read's bytes, whose room in {@link #memory} is given back when the last message made of them is released. */
    private final class Budgeted extends UnpooledHeapByteBuf {
        private final int room;

        Budgeted(int capacity, int room) {
            super(UnpooledByteBufAllocator.DEFAULT, capacity, capacity);
            this.room = room;
        }

        @Override
        protected void freeArray(byte[] array) {
            memory.release(room);
        }
    }
}
