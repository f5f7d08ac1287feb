package dev.fanout.client;

import static dev.fanout.client.Clients.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.hub.LocalBroker;
import dev.fanout.server.testing.CuttingProxy;
import dev.fanout.server.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Connections cut under a running stream, through a proxy in the test: nothing lost, nothing twice. */
class ResumeTest {

    /** At most this many messages per test, so a run stays short whatever the machine. */
    private static final int MAX_MESSAGES = 30_000;

    private final TestServer server = TestServer.start(options -> options.history(100_000)
            .historyBytes(64L * 1024 * 1024));
    private final CuttingProxy proxy = new CuttingProxy(server.frames());
    private final Clients clients = new Clients();

    @AfterEach
    void tearDown() {
        clients.close();
        proxy.close();
        server.close();
    }

    @Test
    void connectionCutThreeTimesMidStream_theApplicationSeesEveryMessageOnceInOrder() throws Exception {
        Recorder recorder = new Recorder();
        FanoutClient reader = clients.connect(Clients.options(proxy.address()).listener(recorder));
        FanoutClient writer = clients.connect(server.frames());
        List<Message> exact = new CopyOnWriteArrayList<>();
        List<Message> pattern = new CopyOnWriteArrayList<>();
        reader.subscribe("feed.a", exact::add).subscribed().join();
        reader.subscribe("feed.>", pattern::add).subscribed().join();

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger published = new AtomicInteger();
        CompletableFuture<Void> publisher = CompletableFuture.runAsync(() -> {
            // Acknowledged one by one: paced by the round trip, so the stream runs while the cuts happen.
            for (int i = 0; !stop.get() && i < MAX_MESSAGES; i++) {
                writer.publishAcked(i % 2 == 0 ? "feed.a" : "feed.b", utf8(Integer.toString(i))).join();
                published.incrementAndGet();
            }
        });

        for (int cut = 1; cut <= 3; cut++) {
            int seen = exact.size();
            int reconnects = cut - 1;
            await().until(() -> recorder.count("RECONNECTED") == reconnects && exact.size() >= seen + 200);
            proxy.cutAll();
        }
        await().until(() -> recorder.count("RECONNECTED") == 3 && exact.size() > 0);
        stop.set(true);
        publisher.join();

        int total = published.get();
        await().until(() -> pattern.size() == total && exact.size() == (total + 1) / 2);
        assertThat(total).isGreaterThan(600);
        assertThat(exact).extracting(Message::text).containsExactlyElementsOf(evens(total));
        assertThat(exact).extracting(Message::sequence).containsExactlyElementsOf(oneTo((total + 1) / 2));
        assertThat(pattern.stream().filter(m -> m.topic().equals("feed.a")).map(Message::text).toList())
                .containsExactlyElementsOf(evens(total));
        assertThat(pattern.stream().filter(m -> m.topic().equals("feed.b")).map(Message::sequence).toList())
                .containsExactlyElementsOf(oneTo(total / 2));
        assertThat(recorder.gaps).isEmpty();
        assertThat(recorder.resets).isEmpty();
        assertThat(recorder.count("DISCONNECTED")).isEqualTo(3);
        await().until(() -> recorder.count("RESUBSCRIBED feed.a") == 3 && recorder.count("RESUBSCRIBED feed.>") == 3);
        assertThat(proxy.accepted()).isEqualTo(4);
    }

    @Test
    void patternAfterACut_getsWhatItsUnheardTopicsPublishedMeanwhile_andNothingFromBeforeIt() {
        FanoutClient writer = clients.connect(server.frames());
        writer.publishAcked("feed.old", utf8("before")).join();
        Recorder recorder = new Recorder();
        FanoutClient reader = clients.connect(Clients.options(proxy.address()).listener(recorder));
        List<Message> got = new CopyOnWriteArrayList<>();
        reader.subscribe("feed.>", got::add).subscribed().join();
        writer.publishAcked("feed.a", utf8("a1")).join();
        await().until(() -> got.size() == 1);

        // Away: what the server sends now dies in the proxy. feed.old existed but never sent this client
        // anything; feed.new did not exist.
        proxy.holdDownstream(true);
        writer.publishAcked("feed.old", utf8("old while away")).join();
        writer.publishAcked("feed.new", utf8("new while away")).join();
        writer.publishAcked("feed.a", utf8("a2")).join();
        proxy.cutAll();
        proxy.holdDownstream(false);
        await().until(() -> recorder.count("RESUBSCRIBED feed.>") == 1);
        writer.publishAcked("feed.a", utf8("a3")).join();

        await().until(() -> got.size() == 5);
        assertThat(got).extracting(m -> m.topic() + ":" + m.text()).containsExactlyInAnyOrder("feed.a:a1",
                "feed.old:old while away", "feed.new:new while away", "feed.a:a2", "feed.a:a3");
        assertThat(got.stream().filter(m -> m.topic().equals("feed.a")).map(Message::text).toList())
                .containsExactly("a1", "a2", "a3");
        assertThat(recorder.gaps).isEmpty();
    }

    @Test
    void unacknowledgedPublishes_reSentAfterACut_arePublishedOnce() {
        FanoutClient writer = clients.connect(Clients.options(proxy.address()));
        proxy.holdDownstream(true);
        List<CompletableFuture<Position>> acks = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            acks.add(writer.publishAcked("once", utf8("p" + i)));
        }
        // The server published all ten, but the ACKs are held in the proxy and die with the connection.
        await().until(() -> server.server().hub().find("once") != null
                && server.server().hub().find("once").lastSequence() == 10);
        assertThat(acks).noneMatch(CompletableFuture::isDone);
        proxy.cutAll();
        proxy.holdDownstream(false);

        List<Position> positions = acks.stream().map(CompletableFuture::join).toList();
        assertThat(positions).extracting(Position::sequence)
                .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
        assertThat(server.server().hub().find("once").lastSequence()).isEqualTo(10);
        assertThat(((LocalBroker) server.server().broker()).dedup().repeats()).isEqualTo(10);

        FanoutClient reader = clients.connect(server.frames());
        MessageStream history = reader.subscribe("once", SubscribeOptions.fromSequence(1));
        List<Message> got = new ArrayList<>();
        while (got.size() < 10) {
            got.add(history.iterator().next());
        }
        assertThat(got).extracting(Message::text).containsExactly("p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7",
                "p8", "p9");
        assertThat(got).extracting(Message::position).containsExactlyElementsOf(positions);
    }

    private static List<String> evens(int total) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < total; i += 2) {
            out.add(Integer.toString(i));
        }
        return out;
    }

    private static List<Long> oneTo(int n) {
        List<Long> out = new ArrayList<>();
        for (long i = 1; i <= n; i++) {
            out.add(i);
        }
        return out;
    }
}
