package dev.fanout.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.hub.Topic;
import dev.fanout.protocol.ByteSize;
import dev.fanout.server.session.CloseReason;
import dev.fanout.server.session.QueueBudget;
import dev.fanout.server.session.Session;
import dev.fanout.server.testing.RawClient;
import dev.fanout.server.testing.StuckReader;
import dev.fanout.server.testing.TestServer;
import io.netty.util.ResourceLeakDetector;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 12, B: the byte cap did not bound memory. Only payload bytes counted against a client's queue, but
 * each queued message costs objects besides; with 17-byte messages, 1,000 subscribers that never read took the
 * heap to 4.2 GB and nobody was cut. Now every queue byte and entry counts against a server-wide budget.
 *
 * <p>The bound this test checks: with {@code --total-queue-bytes} of {@value #BUDGET_MIB} MiB and the default
 * per-client limits, 1,000 subscribers that never read and 30,000 messages of 17 bytes, each a batch of its
 * own (the worst case: one entry per message per subscriber), the budget's charge never passes the limit by
 * more than {@link #CHARGE_SLACK}, and the live heap (measured after a full collection every
 * {@value #HEAP_EVERY} messages) never grows by more than {@link #HEAP_BOUND}. Before the fix each stuck
 * subscriber kept every message (30,000 of 17 bytes are 630 KB, far inside its 8 MiB) at some 70 bytes of
 * objects each: nobody was cut, this test failed after 2,000 messages (+135 MiB), and with no bound the heap
 * grew by 1.9 GiB by the end.
 *
 * <p>The stuck subscribers are first sent large messages until each of their connections holds some, as a
 * long-stuck client's would: the kernel takes a megabyte or more into the buffers of a connection nobody reads,
 * which tiny messages would fill one write at a time (some 15,000 writes per subscriber, minutes for 1,000).
 * The heap is measured with Netty's default leak detection, as the server runs: paranoid detection keeps
 * records of every buffer access, which would be measured instead.
 */
class QueueMemoryIntegrationTest {

    private static final Logger log = LoggerFactory.getLogger(QueueMemoryIntegrationTest.class);

    private static final int BUDGET_MIB = 32;
    private static final long BUDGET = BUDGET_MIB * 1024L * 1024;
    private static final int STUCK = 1_000;
    private static final int MESSAGES = 30_000;
    private static final int SIZE = 17;
    /** Large messages first, at most 4 MiB: more than the kernel's largest send buffer (4 MiB by default). */
    private static final int FILL_SIZE = 64 * 1024;
    private static final int MAX_FILL = 64;
    /** Event loops; one reader on each. */
    private static final int IO_THREADS = 2;
    /**
     * How far the budget's charge may pass the limit: what the sessions it cut still hold is lent to the others
     * until their event loops have closed them, about an eighth of the limit (QueueBudget's contract).
     */
    private static final long CHARGE_SLACK = BUDGET / 8;
    /**
     * How much the live heap may grow: the budget (its charge counts the objects of each entry and buffer, and
     * the bytes themselves, which live in direct memory) with its slack, plus 32 MiB for the rest: the sessions'
     * own growth, Netty's caches, logging.
     */
    private static final long HEAP_BOUND = BUDGET + CHARGE_SLACK + 32L * 1024 * 1024;
    /** Messages between two measures of the heap. */
    private static final int HEAP_EVERY = 1_000;

    /** Live heap: what is in use after a full collection. */
    private static long liveHeap() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /**
     * Publishes one message and waits until every reader has it, so that the next is a batch of its own on every
     * event loop; fails at once if a reader failed.
     */
    private static void publish(RawClient publisher, byte[] body, Semaphore received, List<Future<Integer>> reading)
            throws Exception {
        publisher.send(body);
        boolean all = received.tryAcquire(IO_THREADS, TestServer.PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        for (Future<Integer> reader : reading) {
            if (reader.isDone()) {
                reader.get();
            }
        }
        assertThat(all).as("every reader got message %d", ByteBuffer.wrap(body).getInt()).isTrue();
    }

    /**
     * Reads the large messages, then {@link #MESSAGES} tiny ones, each numbered in turn; returns how many it read.
     * Releases a permit per message, and plenty when it ends, so the publisher never waits for a reader that failed.
     */
    private static int read(RawClient reader, Semaphore received) throws Exception {
        int number = 0;
        try {
            for (int tiny = 0; tiny < MESSAGES; number++) {
                byte[] payload = reader.read();
                assertThat(payload).as("message %d (the server closed the reader)", number).isNotNull();
                assertThat(ByteBuffer.wrap(payload).getInt()).isEqualTo(number);
                if (payload.length == SIZE) {
                    tiny++;
                } else {
                    assertThat(payload).as("a large message after the tiny ones").hasSize(FILL_SIZE);
                    assertThat(tiny).isZero();
                }
                received.release();
            }
            return number;
        } finally {
            received.release(MAX_FILL + MESSAGES);
        }
    }

    /** A payload of {@code size} bytes that starts with its number. */
    private static byte[] payload(int number, int size) {
        byte[] body = new byte[size];
        ByteBuffer.wrap(body).putInt(0, number);
        return body;
    }

    @Test
    void tinyMessagesToAThousandStuckSubscribers_stayWithinTheServerWideBudget() throws Exception {
        ResourceLeakDetector.Level leakDetection = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
        try {
            publishToStuckSubscribers();
        } finally {
            ResourceLeakDetector.setLevel(leakDetection);
        }
    }

    private void publishToStuckSubscribers() throws Exception {
        // All from 127.0.0.1: more than the default 1,000 connections per address.
        try (TestServer server = TestServer.start(options -> options.totalQueueBytes(BUDGET).ioThreads(IO_THREADS)
                .maxClientsPerAddress(0))) {
            QueueBudget budget = server.server().queueBudget();
            Topic stream = server.server().hub().find(server.server().hub().defaultTopic());
            for (int i = 0; i < STUCK; i++) {
                server.track(StuckReader.connect(server.frames()));
            }
            await().atMost(TestServer.PATIENCE).until(() -> stream.subscriberCount() == STUCK);
            // Sessions take the event loops in turn: consecutive readers are on different loops. That every
            // reader has a message before the next is sent means every loop has delivered it: on each loop, each
            // message is a batch of its own. A loop serves its subscribers in the order they came, so it has also
            // handed the message to every stuck one before it (and flushed them) by then.
            List<RawClient> readers = new ArrayList<>();
            for (int i = 0; i < IO_THREADS; i++) {
                readers.add(server.rawClient());
            }
            List<Session> readerSessions = readers.stream().map(r -> server.sessionOf(r.socket())).toList();
            assertThat(readerSessions.stream().map(Session::eventLoop).distinct()).hasSize(IO_THREADS);
            RawClient publisher = server.rawClient();

            Session publishing = server.sessionOf(publisher.socket());
            List<Session> stuck = server.server().sessions().all().stream()
                    .filter(session -> session != publishing && !readerSessions.contains(session)).toList();
            assertThat(stuck).hasSize(STUCK);

            Semaphore received = new Semaphore(0);
            ExecutorService pool = Executors.newFixedThreadPool(IO_THREADS);
            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
            AtomicLong maxCharged = new AtomicLong();
            try {
                List<Future<Integer>> reading = new ArrayList<>();
                for (RawClient reader : readers) {
                    reading.add(pool.submit(() -> read(reader, received)));
                }
                long baseline = liveHeap();
                long maxGrowth = 0;
                sampler.scheduleAtFixedRate(() -> maxCharged.accumulateAndGet(budget.chargedBytes(), Math::max),
                        0, 1, TimeUnit.MILLISECONDS);
                long started = System.nanoTime();
                int number = 0;
                while (stuck.stream().anyMatch(session -> session.queuedBytes() == 0)) {
                    assertThat(number).as("large messages before every stuck connection held some")
                            .isLessThan(MAX_FILL);
                    publish(publisher, payload(number++, FILL_SIZE), received, reading);
                }
                log.info("{} large messages filled the stuck connections in {} ms", number,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                for (int tiny = 1; tiny <= MESSAGES; tiny++) {
                    publish(publisher, payload(number++, SIZE), received, reading);
                    if (tiny % HEAP_EVERY == 0) {
                        long growth = liveHeap() - baseline;
                        maxGrowth = Math.max(maxGrowth, growth);
                        log.info("{} tiny messages: heap +{}, budget {} charged (peak {}), {} cut, {} sessions, {} ms",
                                tiny, ByteSize.format(growth), ByteSize.format(budget.chargedBytes()),
                                ByteSize.format(maxCharged.get()), budget.cuts(), server.server().sessions().size(),
                                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                        assertThat(growth).as("live heap growth after %d tiny messages (bound %s)", tiny,
                                ByteSize.format(HEAP_BOUND)).isLessThanOrEqualTo(HEAP_BOUND);
                    }
                }
                for (Future<Integer> r : reading) {
                    assertThat(r.get()).isEqualTo(number);
                }
                log.info("{} messages in {} ms; heap grew at most {}; budget charge peaked at {} of {}; {} cut",
                        number, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                        ByteSize.format(maxGrowth), ByteSize.format(maxCharged.get()), ByteSize.format(BUDGET),
                        budget.cuts());
            } finally {
                sampler.shutdownNow();
                pool.shutdownNow();
            }
            assertThat(readerSessions).noneMatch(Session::isClosed);
            assertThat(maxCharged.get()).as("peak charge against a budget of %s", ByteSize.format(BUDGET))
                    .isLessThanOrEqualTo(BUDGET + CHARGE_SLACK);
            assertThat(budget.cuts()).isPositive();
            assertThat(server.server().sessionStats().closes(CloseReason.SLOW_CONSUMER)).as("only stuck ones")
                    .isLessThanOrEqualTo(STUCK);
        }
    }
}
