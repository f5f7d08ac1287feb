package dev.fanout.server.source;

import dev.fanout.hub.Broker;
import dev.fanout.hub.Origin;
import dev.fanout.hub.PublishBacklog;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one source on a daemon thread of its own, publishing each message to a topic. Pauses while the broker's
 * publish backlog is full, so a fast source cannot outrun delivery without bound.
 */
public final class SourceRunner {

    private static final Logger log = LoggerFactory.getLogger(SourceRunner.class);

    private final Source source;
    private final Broker broker;
    private final String topic;
    private final Origin origin;
    private final AtomicLong published = new AtomicLong();
    private final Thread thread;
    private volatile boolean stopped;

    /** Prepares to run {@code source} into {@code topic}; messages appear to come from {@code originName}. */
    public SourceRunner(Source source, Broker broker, String topic, String originName) {
        this.source = source;
        this.broker = broker;
        this.topic = topic;
        this.origin = Origin.of(originName);
        this.thread = new Thread(this::run, "fanout-source-" + originName);
        this.thread.setDaemon(true);
    }

    /** Starts reading. */
    public void start() {
        log.info("source {} feeds topic '{}'", source.describe(), topic);
        thread.start();
    }

    /** Stops publishing; a read that is blocked ends with the process. */
    public void stop() {
        stopped = true;
    }

    /** Messages published so far. */
    public long published() {
        return published.get();
    }

    private void run() {
        try {
            for (byte[] payload; !stopped && (payload = source.next()) != null; ) {
                if (stopped) {
                    break;
                }
                broker.publish(topic, Unpooled.wrappedBuffer(payload), origin, null);
                published.incrementAndGet();
                waitWhileBacklogFull();
            }
            if (!stopped) {
                log.info("source {} ended after {} messages; clients stay connected", source.describe(),
                        published.get());
            }
        } catch (java.io.EOFException e) {
            log.error("source {} ended inside a frame after {} messages; it is stopped, the server goes on",
                    source.describe(), published.get());
        } catch (IOException e) {
            log.error("source {} failed after {} messages: {}; it is stopped, the server goes on",
                    source.describe(), published.get(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void waitWhileBacklogFull() throws InterruptedException {
        PublishBacklog backlog = broker.backlog();
        if (backlog.isFull()) {
            CountDownLatch drained = new CountDownLatch(1);
            backlog.whenDrained(drained::countDown);
            drained.await();
        }
    }
}
