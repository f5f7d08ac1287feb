package dev.fanout.server.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OutboundQueueTest {

    private static final long PLENTY = 1024 * 1024;

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final SessionStats stats = new SessionStats();
    private final List<ByteBuf> owned = new ArrayList<>();
    private final List<OutboundQueue> queues = new ArrayList<>();

    @BeforeEach
    void smallWaterMarks() {
        // One unflushed write of any size makes the channel unwritable; a flush makes it writable again.
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8, 16));
    }

    @AfterEach
    void releaseEverything() {
        // As a closing session does: drop what waits, then let the channel hand back what it holds.
        queues.forEach(OutboundQueue::clear);
        channel.flush();
        channel.finishAndReleaseAll();
        for (ByteBuf buf : owned) {
            buf.release();
        }
    }

    /** A message the test owns (one reference), released after the test. */
    private ByteBuf message(String text) {
        ByteBuf buf = ByteBufUtil.writeUtf8(ByteBufAllocator.DEFAULT, text);
        owned.add(buf);
        return buf;
    }

    private OutboundQueue queue(long maxBytes, int maxMessages, SlowConsumerPolicy policy) {
        OutboundQueue queue = new OutboundQueue(channel, new QueueLimits(maxBytes, maxMessages, policy), stats);
        queues.add(queue);
        return queue;
    }

    /** Bytes the channel holds unsent, as Netty counts them (payload plus a per-entry overhead). */
    private long channelPending() {
        return channel.unsafe().outboundBuffer().totalPendingWriteBytes();
    }

    /** Everything flushed to the channel so far, as text; each buffer is released. */
    private List<String> sent() {
        List<String> out = new ArrayList<>();
        for (ByteBuf buf; (buf = channel.readOutbound()) != null; ) {
            out.add(buf.toString(StandardCharsets.UTF_8));
            buf.release();
        }
        return out;
    }

    /** Lets the queue hand over what waits, as the session does on each writability change. */
    private void drainUntilEmpty(OutboundQueue queue) {
        for (int i = 0; i < 100 && !queue.isEmpty(); i++) {
            queue.drain();
        }
        assertThat(queue.isEmpty()).isTrue();
    }

    @Test
    void offer_whileWritable_writesStraightToTheChannel() {
        OutboundQueue queue = queue(PLENTY, 10, SlowConsumerPolicy.DISCONNECT);
        ByteBuf hello = message("hello");

        assertThat(queue.offer(hello)).isTrue();

        assertThat(queue.waitingMessages()).isZero();
        assertThat(queue.isEmpty()).isTrue();
        assertThat(hello.refCnt()).as("the channel holds a shared duplicate").isEqualTo(2);
        assertThat(sent()).as("not flushed yet").isEmpty();
        queue.flush();
        assertThat(sent()).containsExactly("hello");
        assertThat(hello.refCnt()).isEqualTo(1);
    }

    @Test
    void offer_whileUnwritable_waitsAndCountsAgainstTheLimits() {
        OutboundQueue queue = queue(PLENTY, 10, SlowConsumerPolicy.DISCONNECT);
        queue.offer(message("first"));
        assertThat(channel.isWritable()).isFalse();

        assertThat(queue.offer(message("ab"))).isTrue();
        assertThat(queue.offer(message("cd"))).isTrue();

        assertThat(queue.waitingMessages()).isEqualTo(2);
        assertThat(queue.isEmpty()).isFalse();
        assertThat(queue.queuedBytes()).isEqualTo(channelPending() + 4);
        queue.flush();
        assertThat(sent()).containsExactly("first");
    }

    @Test
    void offer_disconnectPolicyAtMaxMessages_returnsFalseAndQueuesNothing() {
        OutboundQueue queue = queue(PLENTY, 2, SlowConsumerPolicy.DISCONNECT);
        queue.offer(message("first"));
        queue.offer(message("b"));
        queue.offer(message("c"));
        ByteBuf refused = message("d");

        assertThat(queue.offer(refused)).isFalse();

        assertThat(queue.waitingMessages()).isEqualTo(2);
        assertThat(refused.refCnt()).as("nothing retained").isEqualTo(1);
        assertThat(queue.takeDropped()).isZero();
        assertThat(stats.dropped()).isZero();
    }

    @Test
    void offer_disconnectPolicyAtMaxBytes_countsWhatTheChannelHolds() {
        channel.write(message("blocker").retain());
        long inChannel = channelPending();
        OutboundQueue queue = queue(inChannel + 10, 100, SlowConsumerPolicy.DISCONNECT);

        assertThat(queue.offer(message("12345"))).isTrue();
        assertThat(queue.offer(message("67890"))).as("exactly at the limit").isTrue();
        ByteBuf refused = message("x");
        assertThat(queue.offer(refused)).isFalse();

        assertThat(queue.waitingMessages()).isEqualTo(2);
        assertThat(queue.queuedBytes()).isEqualTo(inChannel + 10);
        assertThat(refused.refCnt()).isEqualTo(1);
    }

    @Test
    void offer_dropOldestAtMaxMessages_dropsTheOldestWaiting() {
        OutboundQueue queue = queue(PLENTY, 2, SlowConsumerPolicy.DROP_OLDEST);
        queue.offer(message("first"));
        ByteBuf oldest = message("b");
        queue.offer(oldest);
        queue.offer(message("c"));

        assertThat(queue.offer(message("d"))).isTrue();

        assertThat(queue.waitingMessages()).isEqualTo(2);
        assertThat(oldest.refCnt()).as("the dropped duplicate was released").isEqualTo(1);
        assertThat(queue.takeDropped()).isEqualTo(1);
        assertThat(queue.takeDropped()).as("reset by the previous call").isZero();
        assertThat(stats.dropped()).isEqualTo(1);
        queue.flush();
        drainUntilEmpty(queue);
        assertThat(sent()).containsExactly("first", "c", "d");
    }

    @Test
    void offer_dropOldestAtMaxBytes_dropsAsManyAsNeeded() {
        channel.write(message("blocker").retain());
        OutboundQueue queue = queue(channelPending() + 10, 100, SlowConsumerPolicy.DROP_OLDEST);
        queue.offer(message("aaa"));
        queue.offer(message("bbb"));
        queue.offer(message("ccc"));

        assertThat(queue.offer(message("dddddddd"))).isTrue();

        assertThat(queue.takeDropped()).isEqualTo(3);
        assertThat(stats.dropped()).isEqualTo(3);
        channel.flush();
        drainUntilEmpty(queue);
        assertThat(sent()).containsExactly("blocker", "dddddddd");
    }

    @Test
    void offer_dropOldestWhenTheChannelAloneIsOverTheLimit_dropsTheNewest() {
        channel.write(message("blocker").retain());
        OutboundQueue queue = queue(channelPending() - 1, 100, SlowConsumerPolicy.DROP_OLDEST);
        ByteBuf newest = message("new");

        assertThat(queue.offer(newest)).isTrue();

        assertThat(queue.waitingMessages()).isZero();
        assertThat(newest.refCnt()).isEqualTo(1);
        assertThat(queue.takeDropped()).isEqualTo(1);
        assertThat(stats.dropped()).isEqualTo(1);
    }

    @Test
    void drain_whileUnwritable_handsNothingOver() {
        OutboundQueue queue = queue(PLENTY, 10, SlowConsumerPolicy.DISCONNECT);
        channel.write(message("blocker").retain());
        queue.offer(message("waiting"));

        queue.drain();

        assertThat(queue.waitingMessages()).isEqualTo(1);
        assertThat(sent()).isEmpty();
    }

    @Test
    void drain_onceWritableAgain_handsOverWhatWaitsInOrder() {
        OutboundQueue queue = queue(PLENTY, 10, SlowConsumerPolicy.DISCONNECT);
        queue.offer(message("a"));
        queue.offer(message("b"));
        queue.offer(message("c"));
        queue.flush();
        assertThat(channel.isWritable()).isTrue();

        // Writable again, but older messages wait: a new one must queue behind them, not overtake them.
        queue.offer(message("d"));
        assertThat(queue.waitingMessages()).isEqualTo(3);
        drainUntilEmpty(queue);

        assertThat(sent()).containsExactly("a", "b", "c", "d");
        assertThat(queue.queuedBytes()).isZero();
    }

    @Test
    void clear_releasesEverythingWaiting() {
        OutboundQueue queue = queue(PLENTY, 10, SlowConsumerPolicy.DISCONNECT);
        queue.offer(message("first"));
        ByteBuf b = message("b");
        ByteBuf c = message("c");
        queue.offer(b);
        queue.offer(c);

        queue.clear();

        assertThat(queue.isEmpty()).isTrue();
        assertThat(queue.waitingMessages()).isZero();
        assertThat(queue.queuedBytes()).isEqualTo(channelPending());
        assertThat(b.refCnt()).isEqualTo(1);
        assertThat(c.refCnt()).isEqualTo(1);
    }
}
