package dev.fanout.server.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.hub.Hub;
import dev.fanout.hub.LocalBroker;
import dev.fanout.hub.PublishDedup;
import dev.fanout.hub.Batch;
import dev.fanout.hub.Message;
import dev.fanout.hub.PublishBacklog;
import dev.fanout.hub.Subscriber;
import dev.fanout.server.FanoutServer;
import dev.fanout.server.testing.LineClient;
import dev.fanout.server.testing.RawClient;
import dev.fanout.server.testing.TestServer;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import dev.fanout.store.HistoryLimits;
import dev.fanout.store.MemoryHistory;
import org.junit.jupiter.api.Test;

class SourceRunnerTest {

    private static StdinSource stdin(byte[] input, StdinSource.Format format, int maxMessage) {
        return new StdinSource(new ByteArrayInputStream(input), format, maxMessage);
    }

    private static StdinSource stdinLines(String input, int maxMessage) {
        return stdin(input.getBytes(StandardCharsets.UTF_8), StdinSource.Format.LINES, maxMessage);
    }

    /** A raw client that is subscribed, so nothing published after this returns can miss it. */
    private static RawClient subscribedRawClient(TestServer server) {
        RawClient client = server.rawClient();
        FanoutServer fanout = server.server();
        await().until(() -> fanout.hub().find(fanout.hub().defaultTopic()).subscriberCount() == 1);
        return client;
    }

    @Test
    void startSource_linesReachARawClient() throws IOException {
        try (TestServer server = TestServer.start()) {
            RawClient raw = subscribedRawClient(server);

            server.server().startSource(stdinLines("one\ntwo\r\n", 1024), "stdin");

            assertThat(raw.readText()).isEqualTo("one");
            assertThat(raw.readText()).isEqualTo("two");
        }
    }

    @Test
    void startSource_framesReachARawClient() throws IOException {
        try (TestServer server = TestServer.start()) {
            RawClient raw = subscribedRawClient(server);

            server.server().startSource(stdin(StdinSourceTest.frames("alpha", "line\nbreak"),
                    StdinSource.Format.FRAMES, 1024), "stdin");

            assertThat(raw.readText()).isEqualTo("alpha");
            assertThat(raw.readText()).isEqualTo("line\nbreak");
        }
    }

    @Test
    void startSource_overLongLineIsSkippedAndTheNextArrives() throws IOException {
        try (TestServer server = TestServer.start()) {
            RawClient raw = subscribedRawClient(server);

            server.server().startSource(stdinLines("short\nthis line is far too long\nnext\n", 8), "stdin");

            assertThat(raw.readText()).isEqualTo("short");
            assertThat(raw.readText()).isEqualTo("next");
            await().until(() -> server.server().hub().stats().published() == 2);
        }
    }

    @Test
    void startSource_linesClientsSeeTheSourceName() {
        try (TestServer server = TestServer.start()) {
            LineClient reader = server.lineClient();

            server.server().startSource(stdinLines("hello from a pipe\n", 1024), "stdin");

            reader.awaitLine("stdin: hello from a pipe");
        }
    }

    @Test
    void run_pausesWhileTheBacklogIsFullAndResumesWhenDrained() throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        CountDownLatch release = new CountDownLatch(1);
        try {
            EventLoop loop = group.next();
            List<String> received = new CopyOnWriteArrayList<>();
            Hub hub = new Hub("lobby", 10, new MemoryHistory(new HistoryLimits(0, 0, 0)),
                    new PublishBacklog(4), ByteBufAllocator.DEFAULT, Clock.systemUTC());
            hub.subscribe("lobby", new Collector(loop, received));
            CountDownLatch held = new CountDownLatch(1);
            loop.execute(() -> {
                held.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            held.await();
            SourceRunner runner = new SourceRunner(stdinLines("12345\nb\nc\n", 100),
                    new LocalBroker(hub, new PublishDedup(Duration.ZERO, 0, Clock.systemUTC())), "lobby", "stdin");

            runner.start();

            // The first message alone fills the 4-byte backlog while the loop is held: the runner must wait.
            await().until(() -> hub.backlog().pauses() == 1);
            assertThat(runner.published()).isEqualTo(1);
            release.countDown();
            await().until(() -> runner.published() == 3 && received.size() == 3);
            assertThat(received).containsExactly("12345", "b", "c");
        } finally {
            release.countDown();
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Collects payloads as text, on its loop. */
    private record Collector(EventLoop eventLoop, List<String> received) implements Subscriber {
        @Override
        public long id() {
            return 1;
        }

        @Override
        public String name() {
            return "collector";
        }

        @Override
        public int deliver(Batch batch) {
            for (Message message : batch.messagesFor(id())) {
                received.add(message.payload().toString(StandardCharsets.UTF_8));
            }
            return batch.sizeFor(id());
        }

        @Override
        public void endOfBatch() {
        }
    }
}
