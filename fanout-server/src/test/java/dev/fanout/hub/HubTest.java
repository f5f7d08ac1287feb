package dev.fanout.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.EventExecutor;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import dev.fanout.store.HistoryLimits;
import dev.fanout.store.MemoryHistory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HubTest {

    private static final String LOBBY = "lobby";
    private static final long PUBLISHED_AT = 1_700_000_000_000L;

    private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
    private EventLoopGroup group;
    private EventLoop loopA;
    private EventLoop loopB;
    private Hub hub;
    private final List<CountDownLatch> holds = new ArrayList<>();
    private final List<MemoryHistory> stores = new ArrayList<>();

    @BeforeEach
    void startLoops() {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        List<EventLoop> loops = new ArrayList<>();
        for (EventExecutor executor : group) {
            loops.add((EventLoop) executor);
        }
        loopA = loops.get(0);
        loopB = loops.get(1);
        hub = newHub(10, 1024 * 1024);
    }

    @AfterEach
    void stopLoops() {
        holds.forEach(CountDownLatch::countDown);
        // Pending drain tasks still run during a graceful shutdown, so every queued message is released.
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        stores.forEach(MemoryHistory::close);
    }

    /** A hub without history, so that what nobody receives is let go at once. */
    private Hub newHub(int maxTopics, long backlogBytes) {
        return newHub(maxTopics, backlogBytes, 0);
    }

    private Hub newHub(int maxTopics, long backlogBytes, int history) {
        MemoryHistory store = new MemoryHistory(new HistoryLimits(history, 1024 * 1024, 1024 * 1024));
        stores.add(store);
        return new Hub(LOBBY, maxTopics, store, new PublishBacklog(backlogBytes), alloc,
                Clock.fixed(Instant.ofEpochMilli(PUBLISHED_AT), ZoneOffset.UTC));
    }

    /** Publishes one payload and returns the sequence number it was given. */
    private static long publish(Hub hub, String topic, ByteBuf payload, Origin origin) {
        return hub.publishAll(topic, List.of(payload), origin).join().sequence();
    }

    /** Keeps {@code loop} busy until the returned latch opens, so work queues up behind it. */
    private CountDownLatch hold(EventLoop loop) throws InterruptedException {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        holds.add(release);
        loop.execute(() -> {
            held.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        held.await();
        return release;
    }

    private ByteBuf text(String text) {
        return ByteBufUtil.writeUtf8(alloc, text);
    }

    @Test
    void sequence_countsFromOnePerTopic() {
        RecordingSubscriber reader = new RecordingSubscriber(1, "reader", loopA);
        hub.subscribe("a", reader);
        hub.subscribe("b", reader);

        assertThat(publish(hub, "a", text("a1"), Origin.of("src"))).isEqualTo(1);
        assertThat(publish(hub, "a", text("a2"), Origin.of("src"))).isEqualTo(2);
        assertThat(publish(hub, "b", text("b1"), Origin.of("src"))).isEqualTo(1);
        assertThat(publish(hub, "a", text("a3"), Origin.of("src"))).isEqualTo(3);

        await().until(() -> reader.received().size() == 4);
        // Order holds within a topic; each topic has its own queue on the loop.
        assertThat(reader.received()).filteredOn(r -> r.topic().equals("a"))
                .extracting(r -> r.sequence() + "=" + r.text())
                .containsExactly("1=a1", "2=a2", "3=a3");
        assertThat(reader.received()).filteredOn(r -> r.topic().equals("b"))
                .extracting(r -> r.sequence() + "=" + r.text())
                .containsExactly("1=b1");
        assertThat(hub.find("a").lastSequence()).isEqualTo(3);
        assertThat(hub.find("b").lastSequence()).isEqualTo(1);
    }

    @Test
    void publish_reachesSubscribersOnTwoEventLoops() {
        RecordingSubscriber onA = new RecordingSubscriber(1, "on-a", loopA);
        RecordingSubscriber onB = new RecordingSubscriber(2, "on-b", loopB);
        hub.subscribe(LOBBY, onA);
        hub.subscribe(LOBBY, onB);

        publish(hub, LOBBY, text("hello"), Origin.of("src"));

        await().until(() -> onA.batches() == 1 && onB.batches() == 1);
        RecordingSubscriber.Received expected = new RecordingSubscriber.Received(LOBBY, 1, "hello", "src", PUBLISHED_AT,
                true);
        assertThat(onA.received()).containsExactly(expected);
        assertThat(onB.received()).containsExactly(expected);
        await().until(() -> hub.stats().handedOver() == 2);
        assertThat(hub.stats().published()).isEqualTo(1);
        assertThat(hub.stats().publishedBytes()).isEqualTo(5);
    }

    @Test
    void publish_stampsTheClockTime() {
        RecordingSubscriber reader = new RecordingSubscriber(1, "reader", loopA);
        hub.subscribe(LOBBY, reader);

        publish(hub, LOBBY, text("now"), Origin.of("src"));

        await().until(() -> reader.batches() == 1);
        assertThat(reader.received()).extracting(RecordingSubscriber.Received::publishedAtMillis)
                .containsExactly(PUBLISHED_AT);
    }

    @Test
    void publish_skipsTheOriginsOwnSubscriber() {
        RecordingSubscriber alice = new RecordingSubscriber(7, "alice", loopA);
        RecordingSubscriber bob = new RecordingSubscriber(8, "bob", loopA);
        hub.subscribe(LOBBY, alice);
        hub.subscribe(LOBBY, bob);

        publish(hub, LOBBY, text("from alice"), new Origin(7, "alice"));
        publish(hub, LOBBY, text("from src"), Origin.of("src"));

        // Both share a loop, which delivers in sequence order: once alice has the second message, the first
        // has already gone by her.
        await().until(() -> bob.received().size() == 2 && alice.received().size() == 1);
        assertThat(bob.texts()).containsExactly("from alice", "from src");
        assertThat(alice.texts()).containsExactly("from src");
        await().until(() -> hub.stats().handedOver() == 3);
    }

    @Test
    void publish_fromManyThreads_reachesEachSubscriberInSequenceOrder() throws InterruptedException {
        int threads = 4;
        int perThread = 250;
        RecordingSubscriber first = new RecordingSubscriber(1, "first", loopA);
        RecordingSubscriber second = new RecordingSubscriber(2, "second", loopA);
        RecordingSubscriber elsewhere = new RecordingSubscriber(3, "elsewhere", loopB);
        hub.subscribe(LOBBY, first);
        hub.subscribe(LOBBY, second);
        hub.subscribe(LOBBY, elsewhere);

        Set<Long> returned = ConcurrentHashMap.newKeySet();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> publishers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread publisher = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    returned.add(publish(hub, LOBBY, text(Thread.currentThread().getName()), Origin.of("src")));
                }
            }, "publisher-" + t);
            publisher.start();
            publishers.add(publisher);
        }
        go.countDown();
        for (Thread publisher : publishers) {
            publisher.join();
        }

        int total = threads * perThread;
        List<Long> inOrder = LongStream.rangeClosed(1, total).boxed().toList();
        assertThat(returned).containsExactlyInAnyOrderElementsOf(inOrder);
        await().until(() -> first.received().size() == total && second.received().size() == total
                && elsewhere.received().size() == total);
        assertThat(first.sequences()).isEqualTo(inOrder);
        assertThat(second.sequences()).isEqualTo(inOrder);
        assertThat(elsewhere.sequences()).isEqualTo(inOrder);
    }

    @Test
    void endOfBatch_endsABurstOnceForEachSubscriber() throws InterruptedException {
        RecordingSubscriber first = new RecordingSubscriber(1, "first", loopA);
        RecordingSubscriber second = new RecordingSubscriber(2, "second", loopA);
        hub.subscribe(LOBBY, first);
        hub.subscribe(LOBBY, second);
        // Hold the loop so the three messages wait for one drain task.
        CountDownLatch release = hold(loopA);

        for (int i = 1; i <= 3; i++) {
            publish(hub, LOBBY, text("m" + i), Origin.of("src"));
        }
        release.countDown();

        await().until(() -> first.batches() == 1 && second.batches() == 1);
        assertThat(first.texts()).containsExactly("m1", "m2", "m3");
        assertThat(second.texts()).containsExactly("m1", "m2", "m3");
    }

    @Test
    void backlog_returnsToZeroOnceDelivered() throws InterruptedException {
        RecordingSubscriber reader = new RecordingSubscriber(1, "reader", loopA);
        hub.subscribe(LOBBY, reader);
        CountDownLatch release = hold(loopA);

        publish(hub, LOBBY, text("12345"), Origin.of("src"));
        publish(hub, LOBBY, text("123"), Origin.of("src"));
        assertThat(hub.backlog().bytes()).as("payloads and each message's objects")
                .isEqualTo(8 + 2 * Message.OVERHEAD);
        release.countDown();

        await().until(() -> hub.backlog().bytes() == 0);
        assertThat(reader.texts()).containsExactly("12345", "123");
    }

    @Test
    void unsubscribe_ofTheLastSubscriber_dropsTheTopic() {
        RecordingSubscriber reader = new RecordingSubscriber(1, "reader", loopA);
        RecordingSubscriber other = new RecordingSubscriber(2, "other", loopB);
        Topic room = hub.subscribe("room", reader);
        hub.subscribe("room", other);

        hub.unsubscribe(room, reader);
        assertThat(hub.find("room")).isSameAs(room);
        assertThat(room.subscribers()).containsExactly(other);

        hub.unsubscribe(room, other);
        assertThat(hub.find("room")).isNull();
        assertThat(hub.topics()).extracting(Topic::name).containsExactly(LOBBY);
    }

    @Test
    void unsubscribe_ofTheLastSubscriber_keepsATopicWithHistory_andItsNumbering() {
        Hub remembering = newHub(10, 1024 * 1024, 100);
        RecordingSubscriber reader = new RecordingSubscriber(1, "reader", loopA);
        Topic first = remembering.subscribe("room", reader);
        publish(remembering, "room", text("old"), Origin.of("src"));
        remembering.unsubscribe(first, reader);

        Topic second = remembering.subscribe("room", reader);

        assertThat(second).isSameAs(first);
        assertThat(publish(remembering, "room", text("new"), Origin.of("src"))).isEqualTo(2);
        await().until(() -> reader.received().size() == 2);
        assertThat(reader.sequences()).containsExactly(1L, 2L);
    }

    @Test
    void publish_toATopicNobodySubscribes_makesItAndKeepsTheMessageInHistory() {
        Hub remembering = newHub(10, 1024 * 1024, 100);

        assertThat(publish(remembering, "quiet", text("one"), Origin.of("src"))).isEqualTo(1);
        assertThat(publish(remembering, "quiet", text("two"), Origin.of("src"))).isEqualTo(2);

        Topic quiet = remembering.find("quiet");
        assertThat(quiet).isNotNull();
        assertThat(quiet.state().join()).extracting(TopicState::first, TopicState::last).containsExactly(1L, 2L);
        List<Message> held = quiet.read(1, 10, 1024).join();
        assertThat(held).extracting(m -> m.payload().toString(java.nio.charset.StandardCharsets.UTF_8))
                .containsExactly("one", "two");
        held.forEach(Message::release);
    }

    @Test
    void newTopic_atTheLimit_forgetsTheIdleTopicPublishedToLongestAgo() {
        MutableClock clock = new MutableClock();
        MemoryHistory store = new MemoryHistory(new HistoryLimits(10, 1024, 1024 * 1024));
        stores.add(store);
        Hub small = new Hub(LOBBY, 3, store, new PublishBacklog(1024 * 1024), alloc, clock);
        publish(small, "old", text("1"), Origin.of("src"));
        clock.advance(1000);
        publish(small, "newer", text("2"), Origin.of("src"));
        long oldEpoch = small.find("old").last().epoch();

        publish(small, "newest", text("3"), Origin.of("src"));

        assertThat(small.topics()).extracting(Topic::name).containsExactlyInAnyOrder(LOBBY, "newer", "newest");
        assertThat(small.stats().topicsForgotten()).isEqualTo(1);
        // Back again, it starts afresh: a new epoch, numbered from 1.
        clock.advance(1000);
        Position again = small.publishAll("old", List.of(text("4")), Origin.of("src")).join();
        assertThat(again.sequence()).isEqualTo(1);
        assertThat(again.epoch()).isNotEqualTo(oldEpoch);
    }

    @Test
    void unsubscribe_ofTheLastSubscriber_keepsTheDefaultTopic() {
        RecordingSubscriber reader = new RecordingSubscriber(1, "reader", loopA);
        Topic lobby = hub.subscribe(LOBBY, reader);

        hub.unsubscribe(lobby, reader);

        assertThat(hub.find(LOBBY)).isSameAs(lobby);
        assertThat(lobby.subscriberCount()).isZero();
        assertThat(hub.defaultTopic()).isEqualTo(LOBBY);
    }

    @Test
    void subscribe_twice_countsTheSubscriberOnce() {
        RecordingSubscriber reader = new RecordingSubscriber(1, "reader", loopA);
        hub.subscribe(LOBBY, reader);
        Topic lobby = hub.subscribe(LOBBY, reader);

        publish(hub, LOBBY, text("once"), Origin.of("src"));

        assertThat(lobby.subscriberCount()).isEqualTo(1);
        await().until(() -> reader.batches() == 1);
        assertThat(reader.texts()).containsExactly("once");
    }

    @Test
    void subscribe_toANewTopicAtTheLimit_throwsTooManyTopics() {
        Hub small = newHub(2, 1024);
        RecordingSubscriber reader = new RecordingSubscriber(1, "reader", loopA);
        Topic a = small.subscribe("a", reader);

        assertThatThrownBy(() -> small.subscribe("b", reader))
                .isInstanceOf(TooManyTopicsException.class)
                .hasMessage("cannot create topic 'b': the server already has 2 topics (--max-topics), each with "
                        + "subscribers");
        assertThat(small.stats().topicsRefused()).isEqualTo(1);
        assertThat(small.find("b")).isNull();
        // Existing topics still take subscribers, and a dropped one makes room.
        RecordingSubscriber other = new RecordingSubscriber(2, "other", loopA);
        assertThat(small.subscribe("a", other)).isSameAs(a);
        small.unsubscribe(a, reader);
        small.unsubscribe(a, other);
        assertThat(small.subscribe("b", reader).name()).isEqualTo("b");
    }

    @Test
    void publish_withHistoryOff_releasesThePayloadOfATopicNobodySubscribes() {
        ByteBuf payload = text("nobody listens");

        assertThat(publish(hub, "missing", payload, Origin.of("src"))).isEqualTo(1);

        assertThat(payload.refCnt()).isZero();
        assertThat(hub.stats().published()).isEqualTo(1);
    }

    @Test
    void publish_toTheDefaultTopicWithNobody_releasesThePayload() {
        ByteBuf payload = text("nobody listens");

        assertThat(publish(hub, LOBBY, payload, Origin.of("src"))).isEqualTo(1);

        assertThat(payload.refCnt()).isZero();
    }

    @Test
    void publish_toATopicWhoseLoopLostItsSubscribers_releasesThePayload() {
        RecordingSubscriber reader = new RecordingSubscriber(1, "reader", loopA);
        Topic lobby = hub.subscribe(LOBBY, reader);
        hub.unsubscribe(lobby, reader);
        ByteBuf payload = text("nobody listens");

        publish(hub, LOBBY, payload, Origin.of("src"));

        await().until(() -> payload.refCnt() == 0);
        assertThat(reader.received()).isEmpty();
    }
}
