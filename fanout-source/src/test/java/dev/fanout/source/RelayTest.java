package dev.fanout.source;

import static dev.fanout.source.SourceTesting.QUICK;
import static dev.fanout.source.SourceTesting.startSource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.fanout.client.ClientListener;
import dev.fanout.client.ClientOptions;
import dev.fanout.client.FanoutClient;
import dev.fanout.client.Message;
import dev.fanout.client.Position;
import dev.fanout.client.ResetEvent;
import dev.fanout.client.SubscribeOptions;
import dev.fanout.client.Subscription;
import dev.fanout.server.source.RelayPath;
import dev.fanout.server.source.Source;
import dev.fanout.server.source.SourceState;
import dev.fanout.server.testing.CuttingProxy;
import dev.fanout.server.testing.LogCapture;
import dev.fanout.server.testing.TestServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class RelayTest {

    private static String relay(TestServer upstream, String filter) {
        return "fanout://127.0.0.1:" + upstream.frames().getPort() + "/" + filter;
    }

    private static FanoutClient client(InetSocketAddress address) {
        return FanoutClient.connect(ClientOptions.builder().address(address)
                .reconnect(QUICK.backoff()).build());
    }

    /** A client of {@code address} that notes every RESET it is told in {@code resets}. */
    private static FanoutClient countingResets(InetSocketAddress address, List<String> resets) {
        return FanoutClient.connect(ClientOptions.builder().address(address).reconnect(QUICK.backoff())
                .listener(new ClientListener() {
                    @Override
                    public void onReset(Subscription subscription, ResetEvent reset) {
                        resets.add(reset.toString());
                    }
                }).build());
    }

    private static Position publish(FanoutClient client, String topic, String text) {
        return client.publishAcked(topic, text.getBytes(StandardCharsets.UTF_8)).join();
    }

    /** What a subscription received, as topic@epoch:sequence=text. */
    private static final class Received {
        final List<String> lines = new CopyOnWriteArrayList<>();

        void add(Message message) {
            lines.add(message.topic() + "@" + message.epoch() + ":" + message.sequence() + "=" + message.text());
        }
    }

    @Test
    void chainOfThree_consumersOfTheLastGetEveryMessage_atTheFirstServersNumbers() {
        try (TestServer a = TestServer.start();
             TestServer b = TestServer.start();
             TestServer c = TestServer.start();
             FanoutClient publisher = client(a.frames())) {
            Position first = publish(publisher, "prices.eur", "1.08");
            startSource(b, relay(a, "prices.>"), QUICK);
            startSource(c, relay(b, "prices.>"), QUICK);
            Received received = new Received();
            try (FanoutClient consumer = client(c.frames())) {
                consumer.subscribe("prices.>", SubscribeOptions.since(java.time.Instant.EPOCH), received::add);
                Position second = publish(publisher, "prices.eur", "1.09");
                Position third = publish(publisher, "prices.usd", "0.92");

                await().until(() -> received.lines.size() == 3);
                // In order within each topic; topics are streams of their own.
                assertThat(received.lines).filteredOn(line -> line.startsWith("prices.eur")).containsExactly(
                        "prices.eur@" + first.epoch() + ":1=1.08",
                        "prices.eur@" + second.epoch() + ":2=1.09");
                assertThat(received.lines).filteredOn(line -> line.startsWith("prices.usd")).containsExactly(
                        "prices.usd@" + third.epoch() + ":1=0.92");
                assertThat(c.server().hub().find("prices.eur").last())
                        .isEqualTo(new dev.fanout.hub.Position(second.epoch(), 2));
            }
        }
    }

    @Test
    void aRelayStartedLate_refillsItsHistoryFromTheUpstream() {
        try (TestServer a = TestServer.start();
             TestServer b = TestServer.start();
             FanoutClient publisher = client(a.frames())) {
            for (int i = 1; i <= 5; i++) {
                publish(publisher, "news", "item " + i);
            }
            Source source = startSource(b, relay(a, "news"), QUICK);
            await().until(() -> source.status().messages() == 5);
            Received received = new Received();
            try (FanoutClient reader = client(b.frames())) {
                reader.subscribe("news", SubscribeOptions.fromSequence(1), received::add);
                await().until(() -> received.lines.size() == 5);
                assertThat(received.lines.get(4)).endsWith(":5=item 5");
            }
            assertThat(source.status().state()).isEqualTo(SourceState.CONNECTED);
            assertThat(source.status().detail()).contains("(id " + a.server().relays().id() + ")");
        }
    }

    @Test
    void aMirroredTopic_isReadOnlyForClients() {
        try (TestServer a = TestServer.start();
             TestServer b = TestServer.start();
             FanoutClient writer = client(b.frames())) {
            Source source = startSource(b, relay(a, "news"), QUICK);
            await().until(() -> source.status().state() == SourceState.CONNECTED);

            assertThat(writer.publishAcked("news", "fake".getBytes(StandardCharsets.UTF_8)))
                    .failsWithin(Duration.ofSeconds(10))
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .withMessageContaining("read-only");
        }
    }

    @Test
    void aLoopOfTwo_isRefusedOnBothSides() {
        try (TestServer a = TestServer.start();
             TestServer b = TestServer.start();
             LogCapture logs = LogCapture.of(RelayUpstream.class, SupervisedSource.class)) {
            Source bFromA = startSource(b, relay(a, "news"), QUICK);
            await().until(() -> bFromA.status().state() == SourceState.CONNECTED);

            Source aFromB = startSource(a, relay(b, "news"), QUICK);

            await().until(() -> logs.messages(Level.ERROR).stream().anyMatch(m -> m.contains("relay loop")));
            assertThat(aFromB.status().state()).isNotEqualTo(SourceState.CONNECTED);
            await().until(() -> aFromB.status().detail().contains("relay loop"));
            assertThat(bFromA.status().state()).isEqualTo(SourceState.CONNECTED);
        }
    }

    @Test
    void aLoopOfThree_startedAtOnce_isRefused() {
        try (TestServer a = TestServer.start();
             TestServer b = TestServer.start();
             TestServer c = TestServer.start();
             LogCapture logs = LogCapture.of(RelayUpstream.class, RelayPath.class)) {
            Source bFromA = startSource(b, relay(a, "x"), QUICK);
            Source cFromB = startSource(c, relay(b, "x"), QUICK);
            Source aFromC = startSource(a, relay(c, "x"), QUICK);

            await().until(() -> logs.messages(Level.ERROR).stream().anyMatch(m -> m.contains("relay loop")));
            // However the links came up, at least one of the three stays refused.
            await().during(Duration.ofMillis(500)).until(() -> List.of(bFromA, cFromB, aFromC).stream()
                    .anyMatch(s -> s.status().state() != SourceState.CONNECTED));
        }
    }

    @Test
    void aRelayThatLosesItsUpstream_resumesFromItsLastSequence_withoutLossOrRepeat() {
        try (TestServer a = TestServer.start();
             TestServer b = TestServer.start();
             FanoutClient publisher = client(a.frames())) {
            Source source = startSource(b, relay(a, "ticks"), QUICK);
            await().until(() -> source.status().state() == SourceState.CONNECTED);
            Received received = new Received();
            try (FanoutClient reader = client(b.frames())) {
                reader.subscribe("ticks", SubscribeOptions.fromSequence(1), received::add);
                publish(publisher, "ticks", "before");
                await().until(() -> received.lines.size() == 1);

                // Cut the relay's connection from the upstream's side.
                a.server().sessions().all().forEach(s -> s.abort("test cuts the relay"));
                await().until(() -> source.status().connects() == 2);
                publish(publisher, "ticks", "after 1");
                publish(publisher, "ticks", "after 2");

                await().until(() -> received.lines.size() == 3);
                assertThat(received.lines).extracting(line -> line.substring(line.indexOf(':') + 1))
                        .containsExactly("1=before", "2=after 1", "3=after 2");
            }
        }
    }

    @Test
    void theMiddleOfAChainRestartsEmpty_theLastResumesAfterItRefills_everyMessageOnce() {
        try (TestServer a = TestServer.start();
             TestServer c = TestServer.start();
             FanoutClient publisher = client(a.frames())) {
            TestServer b = TestServer.start();
            int bPort = b.frames().getPort();
            startSource(b, relay(a, "ticks"), QUICK);
            Source cFromB = startSource(c, relay(b, "ticks"), QUICK);
            Received received = new Received();
            try (FanoutClient reader = client(c.frames())) {
                reader.subscribe("ticks", SubscribeOptions.fromSequence(1), received::add);
                for (int i = 1; i <= 3; i++) {
                    publish(publisher, "ticks", "tick " + i);
                }
                await().until(() -> received.lines.size() == 3);

                b.close();
                for (int i = 4; i <= 6; i++) {
                    publish(publisher, "ticks", "tick " + i);
                }
                await().until(() -> cFromB.status().state() != SourceState.CONNECTED);
                b = TestServer.start(options -> options.framesPort(bPort));
                startSource(b, relay(a, "ticks"), QUICK);
                for (int i = 7; i <= 9; i++) {
                    publish(publisher, "ticks", "tick " + i);
                }

                await().until(() -> received.lines.size() >= 9);
                assertThat(received.lines).extracting(line -> line.substring(line.indexOf(':') + 1))
                        .containsExactly("1=tick 1", "2=tick 2", "3=tick 3", "4=tick 4", "5=tick 5", "6=tick 6",
                                "7=tick 7", "8=tick 8", "9=tick 9");
                assertThat(received.lines).extracting(line -> line.substring(0, line.indexOf(':'))).containsOnly(
                        "ticks@" + a.server().hub().find("ticks").last().epoch());
            } finally {
                b.close();
            }
        }
    }

    @Test
    void aClientResumingOnARelayThatRestartedEmpty_waitsForTheRefill_insteadOfAReset() {
        try (TestServer a = TestServer.start();
             CuttingProxy toA = new CuttingProxy(a.frames());
             FanoutClient publisher = client(a.frames())) {
            String relayThroughProxy = "fanout://127.0.0.1:" + toA.address().getPort() + "/ticks";
            TestServer b = TestServer.start();
            int bPort = b.frames().getPort();
            Source first = startSource(b, relayThroughProxy, QUICK);
            for (int i = 1; i <= 3; i++) {
                publish(publisher, "ticks", "tick " + i);
            }
            await().until(() -> first.status().messages() == 3);
            Received received = new Received();
            List<String> resets = new CopyOnWriteArrayList<>();
            try (FanoutClient reader = countingResets(b.frames(), resets)) {
                reader.subscribe("ticks", SubscribeOptions.fromSequence(1), received::add);
                await().until(() -> received.lines.size() == 3);

                b.close();
                publish(publisher, "ticks", "tick 4");
                // B comes back empty, and its relay cannot hear its upstream yet.
                toA.holdDownstream(true);
                b = TestServer.start(more -> more.framesPort(bPort));
                startSource(b, relayThroughProxy, QUICK);
                TestServer restarted = b;
                await().until(() -> restarted.server().hub().find("ticks") != null
                        && restarted.server().hub().find("ticks").subscriberCount() == 1);

                toA.holdDownstream(false);
                publish(publisher, "ticks", "tick 5");

                await().until(() -> received.lines.size() >= 5);
                assertThat(received.lines).extracting(line -> line.substring(line.indexOf(':') + 1))
                        .containsExactly("1=tick 1", "2=tick 2", "3=tick 3", "4=tick 4", "5=tick 5");
                assertThat(resets).isEmpty();
            } finally {
                b.close();
            }
        }
    }

    @Test
    void aClientMovesFromOneRelayToAnother_andResumesWhereItWas() {
        try (TestServer a = TestServer.start();
             TestServer b1 = TestServer.start();
             TestServer b2 = TestServer.start();
             FanoutClient publisher = client(a.frames())) {
            Source one = startSource(b1, relay(a, "ticks"), QUICK);
            Source two = startSource(b2, relay(a, "ticks"), QUICK);
            for (int i = 1; i <= 3; i++) {
                publish(publisher, "ticks", "tick " + i);
            }
            await().until(() -> one.status().messages() == 3 && two.status().messages() == 3);
            Received first = new Received();
            try (FanoutClient reader = client(b1.frames())) {
                reader.subscribe("ticks", SubscribeOptions.fromSequence(1), first::add);
                await().until(() -> first.lines.size() == 3);
            }
            String last = first.lines.get(2);
            long epoch = Long.parseLong(last.substring(last.indexOf('@') + 1, last.indexOf(':')));
            publish(publisher, "ticks", "tick 4");

            Received second = new Received();
            try (FanoutClient reader = client(b2.frames())) {
                reader.subscribe("ticks", SubscribeOptions.from(epoch, 4), second::add);
                await().until(() -> second.lines.size() == 1);
                assertThat(second.lines).containsExactly("ticks@" + epoch + ":4=tick 4");
            }
        }
    }

    @Test
    void aReaderOfARelayBeforeAnythingWasPublished_getsTheUpstreamsNumbers_withoutAReset() {
        try (TestServer a = TestServer.start();
             TestServer b = TestServer.start();
             FanoutClient publisher = client(a.frames())) {
            Source source = startSource(b, relay(a, ">"), QUICK);
            await().until(() -> source.status().state() == SourceState.CONNECTED);
            Received newOnly = new Received();
            Received fromStart = new Received();
            List<String> resets = new CopyOnWriteArrayList<>();
            try (FanoutClient reader = countingResets(b.frames(), resets)) {
                reader.subscribe("fresh", SubscribeOptions.newOnly(), newOnly::add).subscribed().join();
                reader.subscribe("fresh", SubscribeOptions.fromSequence(1), fromStart::add).subscribed().join();

                Position first = publish(publisher, "fresh", "one");
                publish(publisher, "fresh", "two");

                await().until(() -> newOnly.lines.size() == 2 && fromStart.lines.size() == 2);
                assertThat(newOnly.lines).containsExactly("fresh@" + first.epoch() + ":1=one",
                        "fresh@" + first.epoch() + ":2=two");
                assertThat(fromStart.lines).isEqualTo(newOnly.lines);
                assertThat(resets).isEmpty();
            }
        }
    }
}
