package dev.fanout.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.client.Backoff;
import dev.fanout.client.ReconnectOptions;
import dev.fanout.hub.Broker;
import dev.fanout.hub.Origin;
import dev.fanout.hub.Position;
import dev.fanout.hub.PublishBacklog;
import dev.fanout.hub.PublishId;
import dev.fanout.hub.PublishRefusedException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoop;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SourcePublisherTest {

    private final DefaultEventLoop timers = new DefaultEventLoop();

    @AfterEach
    void stopTimers() {
        timers.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** A publish path that refuses while told to, as a full store or a topic limit does, and records what it took. */
    private static final class RefusingBroker implements Broker {
        final AtomicBoolean refusing = new AtomicBoolean(true);
        /** Completes publishes on another thread, as a store in another server does. */
        volatile boolean later;
        final AtomicInteger refusals = new AtomicInteger();
        final List<String> taken = new CopyOnWriteArrayList<>();
        final PublishBacklog backlog = new PublishBacklog(1 << 20);

        @Override
        public CompletableFuture<Position> publish(String topic, ByteBuf payload, Origin origin, PublishId id) {
            if (later) {
                return CompletableFuture.supplyAsync(() -> null).thenCompose(ignored -> publishNow(topic, payload));
            }
            return publishNow(topic, payload);
        }

        private CompletableFuture<Position> publishNow(String topic, ByteBuf payload) {
            try {
                if (refusing.get()) {
                    refusals.incrementAndGet();
                    return CompletableFuture.failedFuture(new PublishRefusedException(
                            PublishRefusedException.Reason.TOPIC_LIMIT, "no room for another topic"));
                }
                taken.add(payload.toString(StandardCharsets.UTF_8));
                return CompletableFuture.completedFuture(new Position(1, taken.size()));
            } finally {
                payload.release();
            }
        }

        @Override
        public CompletableFuture<Position> publishAll(String topic, List<ByteBuf> payloads, Origin origin) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<Position> publishAt(String topic, Position position, ByteBuf payload,
                                                     Origin origin) {
            payload.release();
            return CompletableFuture.failedFuture(new PublishRefusedException(
                    PublishRefusedException.Reason.OUT_OF_ORDER, "already held"));
        }

        @Override
        public PublishBacklog backlog() {
            return backlog;
        }
    }

    private SourcePublisher publisher(Broker broker) {
        Backoff quick = new Backoff(new ReconnectOptions(0, Duration.ofMillis(10), Duration.ofMillis(40), 2.0, 0),
                () -> 0.5);
        return new SourcePublisher("test", broker, "prices", Origin.of("tcp"), timers, quick);
    }

    private static ByteBuf text(String value) {
        return Unpooled.copiedBuffer(value, StandardCharsets.UTF_8);
    }

    @Test
    void aRefusal_pausesReading_andKeepsEveryMessage_untilThePathTakesThemInOrder() {
        RefusingBroker broker = new RefusingBroker();
        SourcePublisher publisher = publisher(broker);
        AtomicBoolean resumed = new AtomicBoolean();

        publisher.publish(text("one"));
        publisher.publish(text("two"));
        assertThat(publisher.mustPause()).isTrue();
        publisher.whenWritable(() -> resumed.set(true));
        await().until(() -> broker.refusals.get() >= 3);
        assertThat(resumed).isFalse();
        assertThat(broker.taken).isEmpty();

        broker.refusing.set(false);

        await().untilTrue(resumed);
        assertThat(broker.taken).containsExactly("one", "two");
        assertThat(publisher.mustPause()).isFalse();
        assertThat(publisher.published()).isEqualTo(2);
        publisher.publish(text("three"));
        assertThat(broker.taken).containsExactly("one", "two", "three");
    }

    @Test
    void aRelayedMessageTheTopicHoldsAlready_isLetGo_withoutPausing() {
        RefusingBroker broker = new RefusingBroker();
        SourcePublisher publisher = publisher(broker);

        publisher.publishAt("prices", new Position(3, 9), text("repeat"));

        assertThat(publisher.mustPause()).isFalse();
        assertThat(publisher.repeats()).isEqualTo(1);
    }

    @Test
    void close_letsGoOfWhatIsKept() {
        RefusingBroker broker = new RefusingBroker();
        SourcePublisher publisher = publisher(broker);
        ByteBuf kept = text("kept");
        publisher.publish(kept);
        assertThat(kept.refCnt()).isEqualTo(1);

        publisher.close();

        assertThat(kept.refCnt()).isZero();
    }

    @Test
    void refusalsThatComeLater_stillKeepTheOrder() {
        RefusingBroker broker = new RefusingBroker();
        broker.later = true;
        SourcePublisher publisher = publisher(broker);
        AtomicBoolean resumed = new AtomicBoolean();

        publisher.publish(text("one"));
        await().until(publisher::mustPause);
        publisher.publish(text("two"));
        publisher.publish(text("three"));
        publisher.whenWritable(() -> resumed.set(true));
        broker.refusing.set(false);

        await().untilTrue(resumed);
        assertThat(broker.taken).containsExactly("one", "two", "three");
        assertThat(publisher.published()).isEqualTo(3);
    }
}
