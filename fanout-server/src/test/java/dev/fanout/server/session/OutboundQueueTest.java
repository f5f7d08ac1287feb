package dev.fanout.server.session;

import static dev.fanout.server.session.OutboundQueue.BUFFER_OVERHEAD;
import static dev.fanout.server.session.OutboundQueue.ENTRY_OVERHEAD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.fanout.hub.SharedBytes;
import dev.fanout.hub.SharedBytesFixture;
import dev.fanout.server.session.OutboundQueue.Offer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ResourceLeakDetector;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The outbound queue over an {@link EmbeddedChannel} whose socket a {@link StallingSocket} can stall: what it
 * holds (bytes plus {@link OutboundQueue#ENTRY_OVERHEAD} per entry and {@link OutboundQueue#BUFFER_OVERHEAD} per
 * buffer, in the queue or in the channel until the write completes), its limits and policies, what it counts,
 * what it charges the server-wide budget, and that what it counts covers what it costs.
 */
class OutboundQueueTest {

    /** A queue limit the tests do not reach: 1 MiB, which gives the channel Netty's 64 KiB high-water mark. */
    private static final long PLENTY = 1024 * 1024;
    /** Over the 64 KiB high-water mark of a queue of {@link #PLENTY}: once written, the channel is unwritable. */
    private static final String BIG = "B".repeat(70_000);
    private static final String TEN = "0123456789";

    private final StallingSocket socket = new StallingSocket();
    private final EmbeddedChannel channel = new EmbeddedChannel(socket);
    private final List<EmbeddedChannel> channels = new ArrayList<>(List.of(channel));
    private final SessionStats stats = new SessionStats();
    private final List<ByteBuf> owned = new ArrayList<>();
    private final List<OutboundQueue> queues = new ArrayList<>();
    private QueueBudget budget = new QueueBudget(Long.MAX_VALUE, new SessionRegistry());

    @AfterEach
    void releaseEverything() {
        // As a closing session does: drop what waits, and the closed channel fails (and so releases) the rest.
        queues.forEach(OutboundQueue::clear);
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
        owned.forEach(ByteBuf::release);
        for (OutboundQueue queue : queues) {
            assertThat(queue.queuedBytes()).as("held after the channel closed").isZero();
            assertThat(queue.queuedMessages()).isZero();
        }
        assertThat(budget.chargedBytes()).as("every charge is given back").isZero();
    }

    /** Bytes the test owns (one reference), released after the test. */
    private ByteBuf message(String text) {
        ByteBuf buf = ByteBufUtil.writeUtf8(ByteBufAllocator.DEFAULT, text);
        owned.add(buf);
        return buf;
    }

    private OutboundQueue queue(long maxBytes, int maxMessages, SlowConsumerPolicy policy) {
        return queue(channel, maxBytes, maxMessages, policy);
    }

    private OutboundQueue queue(EmbeddedChannel on, long maxBytes, int maxMessages, SlowConsumerPolicy policy) {
        OutboundQueue queue = new OutboundQueue(on, new QueueLimits(maxBytes, maxMessages, policy), stats, budget);
        queues.add(queue);
        return queue;
    }

    /** Offers one published message: the batch's bytes, in shared bytes of their own. */
    private static Offer publish(OutboundQueue queue, ByteBuf bytes) {
        return queue.offer(bytes, 1, SharedBytesFixture.of(bytes.readableBytes()), null, 0, 0);
    }

    /** What one entry of {@code text} in a buffer of its own costs against the limits and the budget. */
    private static long cost(String text) {
        return text.length() + ENTRY_OVERHEAD + BUFFER_OVERHEAD;
    }

    /** Everything the socket took so far, as text; each buffer is released. */
    private List<String> sent() {
        return sent(channel);
    }

    private static List<String> sent(EmbeddedChannel from) {
        List<String> out = new ArrayList<>();
        for (ByteBuf buf; (buf = from.readOutbound()) != null; ) {
            out.add(buf.toString(StandardCharsets.UTF_8));
            buf.release();
        }
        return out;
    }

    @Test
    void constructor_setsTheChannelsWaterMarksFromTheQueueLimit() {
        queue(1000, 10, SlowConsumerPolicy.DISCONNECT);
        assertThat(channel.config().getWriteBufferHighWaterMark()).as("half the limit").isEqualTo(500);
        assertThat(channel.config().getWriteBufferLowWaterMark()).isEqualTo(250);

        EmbeddedChannel large = new EmbeddedChannel();
        channels.add(large);
        queue(large, QueueLimits.DEFAULT_MAX_BYTES, 10, SlowConsumerPolicy.DISCONNECT);
        assertThat(large.config().getWriteBufferHighWaterMark()).as("at most 64 KiB").isEqualTo(64 * 1024);
        assertThat(large.config().getWriteBufferLowWaterMark()).isEqualTo(32 * 1024);
    }

    @Test
    void offer_whileWritable_writesStraightToTheChannel() {
        OutboundQueue queue = queue(PLENTY, 10, SlowConsumerPolicy.DISCONNECT);
        ByteBuf hello = message("hello");

        assertThat(publish(queue, hello)).isEqualTo(Offer.ACCEPTED);

        assertThat(queue.isEmpty()).as("nothing waits in the queue").isTrue();
        assertThat(hello.refCnt()).as("the channel holds a shared duplicate").isEqualTo(2);
        assertThat(queue.queuedBytes()).as("held until written").isEqualTo(cost("hello"));
        assertThat(sent()).as("not flushed yet").isEmpty();
        queue.flush();
        assertThat(sent()).containsExactly("hello");
        assertThat(hello.refCnt()).isEqualTo(1);
        assertThat(queue.queuedBytes()).isZero();
    }

    @Test
    void offer_whileUnwritable_waitsAndDrainKeepsTheOrder() {
        OutboundQueue queue = queue(PLENTY, 10, SlowConsumerPolicy.DISCONNECT);
        publish(queue, message(BIG));
        assertThat(channel.isWritable()).isFalse();
        ByteBuf a = message("a");

        assertThat(publish(queue, a)).isEqualTo(Offer.ACCEPTED);
        publish(queue, message("b"));

        assertThat(queue.isEmpty()).isFalse();
        assertThat(a.refCnt()).as("waits as a shared duplicate").isEqualTo(2);
        assertThat(queue.queuedMessages()).isEqualTo(3);
        assertThat(queue.queuedBytes()).isEqualTo(cost(BIG) + cost("a") + cost("b"));
        queue.flush();
        assertThat(sent()).containsExactly(BIG);
        assertThat(channel.isWritable()).isTrue();
        // Writable again, but older messages wait: a new one must queue behind them, not overtake them.
        publish(queue, message("c"));
        assertThat(sent()).isEmpty();
        queue.drain();
        assertThat(sent()).containsExactly("a", "b", "c");
        assertThat(queue.isEmpty()).isTrue();
        assertThat(queue.queuedBytes()).isZero();
    }

    @Test
    void drain_whileUnwritable_handsNothingOver() {
        OutboundQueue queue = queue(PLENTY, 10, SlowConsumerPolicy.DISCONNECT);
        socket.stall();
        publish(queue, message(BIG));
        publish(queue, message("waiting"));

        queue.drain();

        assertThat(queue.isEmpty()).isFalse();
        assertThat(queue.queuedMessages()).isEqualTo(2);
        assertThat(sent()).isEmpty();
    }

    @Test
    void heldBytes_countWhatTheChannelHoldsUntilTheWriteCompletes() {
        OutboundQueue queue = queue(PLENTY, 10, SlowConsumerPolicy.DISCONNECT);
        socket.stall();
        ByteBuf twenty = message(TEN + TEN);

        publish(queue, message(TEN));
        queue.offer(twenty, 2, SharedBytesFixture.of(twenty.readableBytes()), null, 0, 0);
        queue.flush();

        assertThat(queue.isEmpty()).as("both handed to the channel").isTrue();
        assertThat(queue.queuedBytes()).isEqualTo(cost(TEN) + cost(TEN + TEN));
        assertThat(queue.queuedMessages()).isEqualTo(3);
        assertThat(budget.chargedBytes()).isEqualTo(cost(TEN) + cost(TEN + TEN));
        assertThat(stats.delivered()).as("flushed is not yet written").isZero();
        socket.resume();
        assertThat(sent()).containsExactly(TEN, TEN + TEN);
        assertThat(queue.queuedBytes()).isZero();
        assertThat(queue.queuedMessages()).isZero();
        assertThat(budget.chargedBytes()).isZero();
        assertThat(stats.delivered()).as("the batch of two counts two").isEqualTo(3);
    }

    @Test
    void offerText_isHeldAndChargedLikeAnyEntry_butIsNotADeliveredMessage() {
        OutboundQueue queue = queue(PLENTY, 10, SlowConsumerPolicy.DISCONNECT);
        socket.stall();

        assertThat(queue.offerText(message("a notice"))).isEqualTo(Offer.ACCEPTED);

        assertThat(queue.queuedBytes()).isEqualTo(cost("a notice"));
        assertThat(queue.queuedMessages()).isEqualTo(1);
        assertThat(budget.chargedBytes()).as("bytes it alone holds count in full").isEqualTo(cost("a notice"));
        socket.resume();
        assertThat(sent()).containsExactly("a notice");
        assertThat(budget.chargedBytes()).isZero();
        assertThat(stats.delivered()).isZero();
    }

    @Test
    void offer_disconnectPolicyAtMaxBytes_isQueueFullAndQueuesNothing() {
        OutboundQueue queue = queue(3 * cost(TEN), 100, SlowConsumerPolicy.DISCONNECT);
        socket.stall();
        for (int i = 0; i < 3; i++) {
            assertThat(publish(queue, message(TEN))).as("entry %d, the last exactly at the limit", i)
                    .isEqualTo(Offer.ACCEPTED);
        }
        ByteBuf refused = message("x");

        assertThat(publish(queue, refused)).isEqualTo(Offer.QUEUE_FULL);

        assertThat(refused.refCnt()).as("nothing retained").isEqualTo(1);
        assertThat(queue.queuedBytes()).isEqualTo(3 * cost(TEN));
        assertThat(queue.queuedMessages()).isEqualTo(3);
        assertThat(budget.chargedBytes()).isEqualTo(3 * cost(TEN));
        assertThat(queue.takeDropped()).isZero();
        assertThat(stats.dropped()).isZero();
    }

    @Test
    void offer_disconnectPolicyAtMaxMessages_countsTheMessagesOfEachBatch() {
        OutboundQueue queue = queue(PLENTY, 4, SlowConsumerPolicy.DISCONNECT);
        socket.stall();
        ByteBuf three = message("abc");
        ByteBuf two = message("de");
        ByteBuf one = message("f");

        assertThat(queue.offer(three, 3, SharedBytesFixture.of(3), null, 0, 0)).isEqualTo(Offer.ACCEPTED);
        assertThat(queue.offer(two, 2, SharedBytesFixture.of(2), null, 0, 0)).as("3 + 2 > 4")
                .isEqualTo(Offer.QUEUE_FULL);
        assertThat(queue.offer(one, 1, SharedBytesFixture.of(1), null, 0, 0)).as("3 + 1 = 4")
                .isEqualTo(Offer.ACCEPTED);

        assertThat(queue.queuedMessages()).isEqualTo(4);
        assertThat(two.refCnt()).isEqualTo(1);
    }

    @Test
    void offer_toAnEmptyQueue_takesOneEntryLargerThanTheLimits() {
        OutboundQueue queue = queue(100, 1, SlowConsumerPolicy.DISCONNECT);
        socket.stall();
        ByteBuf large = message("L".repeat(200));

        assertThat(queue.offer(large, 2, SharedBytesFixture.of(200), null, 0, 0)).isEqualTo(Offer.ACCEPTED);
        assertThat(publish(queue, message("x"))).isEqualTo(Offer.QUEUE_FULL);

        assertThat(queue.queuedBytes()).isEqualTo(cost("L".repeat(200)));
    }

    @ParameterizedTest
    @EnumSource(SlowConsumerPolicy.class)
    void offer_atTheLimitWithUnflushedBytesTheSocketTakes_flushesInsteadOfJudging(SlowConsumerPolicy policy) {
        // Ten entries reach the limit; the channel turns unwritable on the way (past half the limit, as Netty
        // counts), so the last ones wait in the queue.
        String kilobyte = "K".repeat(1000);
        OutboundQueue queue = queue(10 * cost(kilobyte), 100, policy);
        for (int i = 0; i < 10; i++) {
            publish(queue, message(kilobyte));
        }
        assertThat(queue.isEmpty()).as("the last ones wait").isFalse();
        assertThat(sent()).as("written, not flushed").isEmpty();
        assertThat(queue.queuedBytes()).isEqualTo(10 * cost(kilobyte));

        assertThat(publish(queue, message("eleventh"))).isEqualTo(Offer.ACCEPTED);

        assertThat(sent()).as("flushed, and what waited handed over, before the limit was judged").hasSize(10)
                .containsOnly(kilobyte);
        assertThat(queue.isEmpty()).isTrue();
        assertThat(queue.queuedBytes()).isEqualTo(cost("eleventh"));
        assertThat(queue.takeDropped()).isZero();
        assertThat(stats.dropped()).isZero();
        assertThat(stats.delivered()).isEqualTo(10);
        queue.flush();
        assertThat(sent()).containsExactly("eleventh");
    }

    @Test
    void offer_dropOldestAtMaxMessages_dropsTheOldestWaiting() {
        OutboundQueue queue = queue(PLENTY, 3, SlowConsumerPolicy.DROP_OLDEST);
        socket.stall();
        publish(queue, message(BIG));
        ByteBuf oldest = message("b");
        publish(queue, oldest);
        publish(queue, message("c"));

        assertThat(publish(queue, message("d"))).isEqualTo(Offer.ACCEPTED);

        assertThat(queue.queuedMessages()).isEqualTo(3);
        assertThat(oldest.refCnt()).as("the dropped duplicate was released").isEqualTo(1);
        assertThat(queue.takeDropped()).isEqualTo(1);
        assertThat(queue.takeDropped()).as("reset by the previous call").isZero();
        assertThat(stats.dropped()).isEqualTo(1);
        assertThat(budget.chargedBytes()).isEqualTo(cost(BIG) + cost("c") + cost("d"));
        socket.resume();
        queue.drain();
        assertThat(sent()).containsExactly(BIG, "c", "d");
        assertThat(stats.delivered()).as("the dropped message is not delivered").isEqualTo(3);
    }

    @Test
    void offer_dropOldest_neverDropsNotices() {
        OutboundQueue queue = queue(PLENTY, 3, SlowConsumerPolicy.DROP_OLDEST);
        socket.stall();
        publish(queue, message(BIG));
        queue.offerText(message("notice"));
        publish(queue, message("c"));

        assertThat(publish(queue, message("d"))).isEqualTo(Offer.ACCEPTED);

        assertThat(queue.takeDropped()).isEqualTo(1);
        socket.resume();
        queue.drain();
        assertThat(sent()).containsExactly(BIG, "notice", "d");
    }

    @Test
    void offer_dropOldestAtMaxBytes_dropsAsManyAsNeeded() {
        String first = "F".repeat(2000);
        // High-water mark at half the limit, which the first entry passes: the small ones wait.
        OutboundQueue queue = queue(cost(first) + 3 * cost(TEN), 100, SlowConsumerPolicy.DROP_OLDEST);
        socket.stall();
        publish(queue, message(first));
        for (int i = 0; i < 3; i++) {
            publish(queue, message(TEN));
        }
        assertThat(queue.isEmpty()).isFalse();
        // More than two small entries cost, less than three.
        String large = "L".repeat(700);

        assertThat(publish(queue, message(large))).isEqualTo(Offer.ACCEPTED);

        assertThat(queue.takeDropped()).as("it takes all three to make room").isEqualTo(3);
        assertThat(stats.dropped()).isEqualTo(3);
        assertThat(queue.queuedBytes()).isEqualTo(cost(first) + cost(large));
        socket.resume();
        queue.drain();
        assertThat(sent()).containsExactly(first, large);
    }

    @Test
    void offer_dropOldestWhenOnlyTheConnectionHoldsTheLimit_dropsTheNewest() {
        OutboundQueue queue = queue(PLENTY, 2, SlowConsumerPolicy.DROP_OLDEST);
        socket.stall();
        publish(queue, message("a"));
        publish(queue, message("b"));
        assertThat(queue.isEmpty()).as("both are in the channel").isTrue();
        ByteBuf newest = message("c");

        assertThat(publish(queue, newest)).isEqualTo(Offer.ACCEPTED);

        assertThat(newest.refCnt()).isEqualTo(1);
        assertThat(queue.takeDropped()).isEqualTo(1);
        assertThat(stats.dropped()).isEqualTo(1);
        assertThat(queue.queuedMessages()).isEqualTo(2);
        assertThat(budget.chargedBytes()).isEqualTo(cost("a") + cost("b"));
        socket.resume();
        assertThat(sent()).containsExactly("a", "b");
        assertThat(stats.delivered()).isEqualTo(2);
    }

    @Test
    void delivered_isNotCountedForWritesThatFail() {
        OutboundQueue queue = queue(PLENTY, 10, SlowConsumerPolicy.DISCONNECT);
        socket.stall();
        ByteBuf two = message("two");
        queue.offer(two, 2, SharedBytesFixture.of(3), null, 0, 0);

        channel.close();

        assertThat(stats.delivered()).isZero();
        assertThat(queue.queuedBytes()).isZero();
        assertThat(budget.chargedBytes()).isZero();
        assertThat(two.refCnt()).isEqualTo(1);
    }

    @Test
    void budget_countsSharedBytesOnce_andReleasesThemWithTheLastHolder() {
        StallingSocket otherSocket = new StallingSocket();
        EmbeddedChannel other = new EmbeddedChannel(otherSocket);
        channels.add(other);
        OutboundQueue one = queue(PLENTY, 10, SlowConsumerPolicy.DISCONNECT);
        OutboundQueue two = queue(other, PLENTY, 10, SlowConsumerPolicy.DISCONNECT);
        socket.stall();
        otherSocket.stall();
        String text = "S".repeat(100);
        ByteBuf batch = message(text);
        SharedBytes shared = SharedBytesFixture.of(100);

        one.offer(batch, 4, shared, null, 0, 0);
        two.offer(batch, 4, shared, null, 0, 0);

        assertThat(one.queuedBytes()).as("each queue counts what it holds").isEqualTo(cost(text));
        assertThat(two.queuedBytes()).isEqualTo(cost(text));
        assertThat(budget.chargedBytes()).as("the buffer once, an entry's overhead per queue")
                .isEqualTo(100 + BUFFER_OVERHEAD + 2 * ENTRY_OVERHEAD);
        socket.resume();
        assertThat(sent()).containsExactly(text);
        assertThat(budget.chargedBytes()).as("the other queue still holds the buffer")
                .isEqualTo(100 + BUFFER_OVERHEAD + ENTRY_OVERHEAD);
        otherSocket.resume();
        assertThat(sent(other)).containsExactly(text);
        assertThat(budget.chargedBytes()).isZero();
        assertThat(stats.delivered()).isEqualTo(8);
    }

    @Test
    void offer_whenTheBudgetIsFull_disconnectPolicy_isBudgetFullAndQueuesNothing() {
        budget = new QueueBudget(2 * cost(TEN), new SessionRegistry());
        OutboundQueue queue = queue(PLENTY, 10, SlowConsumerPolicy.DISCONNECT);
        socket.stall();
        publish(queue, message(TEN));
        publish(queue, message(TEN));
        ByteBuf refused = message(TEN);

        assertThat(publish(queue, refused)).isEqualTo(Offer.BUDGET_FULL);

        assertThat(refused.refCnt()).isEqualTo(1);
        assertThat(queue.queuedMessages()).isEqualTo(2);
        assertThat(budget.chargedBytes()).isEqualTo(2 * cost(TEN));
        assertThat(budget.reclaims()).isEqualTo(1);
        assertThat(budget.cuts()).as("there was no other session to cut").isZero();
        assertThat(stats.dropped()).isZero();
    }

    @Test
    void offer_whenTheBudgetIsFull_dropOldestMakesRoomOutOfItsOwnQueue() {
        String first = "F".repeat(6000);
        budget = new QueueBudget(cost(first) + 2 * cost(TEN), new SessionRegistry());
        // A high-water mark of 5,000 bytes, which the first entry passes: the small ones wait.
        OutboundQueue queue = queue(10_000, 100, SlowConsumerPolicy.DROP_OLDEST);
        socket.stall();
        publish(queue, message(first));
        ByteBuf oldest = message(TEN);
        publish(queue, oldest);
        publish(queue, message(TEN));

        assertThat(publish(queue, message("newest"))).isEqualTo(Offer.ACCEPTED);

        assertThat(oldest.refCnt()).isEqualTo(1);
        assertThat(queue.takeDropped()).isEqualTo(1);
        assertThat(budget.chargedBytes()).as("the server-wide total did not grow")
                .isEqualTo(cost(first) + cost(TEN) + cost("newest"));
        socket.resume();
        queue.drain();
        assertThat(sent()).containsExactly(first, TEN, "newest");
    }

    @Test
    void offer_whenTheBudgetIsFullAndNothingWaits_dropOldestDropsTheNewest() {
        budget = new QueueBudget(cost(TEN), new SessionRegistry());
        OutboundQueue queue = queue(PLENTY, 10, SlowConsumerPolicy.DROP_OLDEST);
        socket.stall();
        publish(queue, message(TEN));
        ByteBuf newest = message(TEN);

        assertThat(publish(queue, newest)).isEqualTo(Offer.ACCEPTED);

        assertThat(newest.refCnt()).isEqualTo(1);
        assertThat(queue.takeDropped()).isEqualTo(1);
        assertThat(queue.queuedMessages()).isEqualTo(1);
        assertThat(budget.chargedBytes()).isEqualTo(cost(TEN));
    }

    @Test
    void reserve_fitsInHalfTheSessionsLimitsBesideWhatIsQueued_andIsGivenBack() {
        budget = new QueueBudget(10_000, new SessionRegistry());
        OutboundQueue queue = queue(2_000, 10, SlowConsumerPolicy.DISCONNECT);
        socket.stall();
        publish(queue, message(TEN));

        assertThat(queue.reserve(1_000 - cost(TEN) + 1, 1)).as("past half the session's bytes with what is queued")
                .isFalse();
        assertThat(queue.reserve(100, 5)).as("past half the session's messages with what is queued").isFalse();
        assertThat(queue.reserve(600, 4)).isTrue();
        assertThat(queue.reserve(100, 0)).as("past what the first reservation left").isFalse();
        assertThat(budget.chargedBytes()).isEqualTo(cost(TEN) + 600);

        queue.unreserve(600, 4);
        assertThat(budget.chargedBytes()).isEqualTo(cost(TEN));
        assertThat(queue.reserve(600, 4)).as("room again once given back").isTrue();
        queue.unreserve(600, 4);
    }

    @Test
    void reserve_fitsInHalfTheBudget_andIsRefusedPastIt_cuttingNobody() {
        budget = new QueueBudget(2 * (cost(TEN) + 100), new SessionRegistry());
        OutboundQueue queue = queue(PLENTY, 10, SlowConsumerPolicy.DISCONNECT);
        socket.stall();
        publish(queue, message(TEN));

        assertThat(queue.reserve(100, 1)).as("up to half the budget").isTrue();
        assertThat(queue.reserve(1, 1)).isFalse();

        assertThat(budget.reclaims()).as("a reservation never cuts a queue for its room").isZero();
        assertThat(budget.chargedBytes()).isEqualTo(cost(TEN) + 100);
        queue.unreserve(100, 1);
    }

    @Test
    void offer_toACutQueue_isBudgetFull() {
        OutboundQueue queue = queue(PLENTY, 10, SlowConsumerPolicy.DROP_OLDEST);
        ByteBuf refused = message(TEN);

        assertThat(queue.markCut()).isTrue();
        assertThat(queue.markCut()).as("cut once").isFalse();
        assertThat(queue.isCut()).isTrue();

        assertThat(publish(queue, refused)).isEqualTo(Offer.BUDGET_FULL);
        assertThat(queue.offerText(refused)).isEqualTo(Offer.BUDGET_FULL);
        assertThat(refused.refCnt()).isEqualTo(1);
        assertThat(queue.queuedBytes()).isZero();
        assertThat(budget.chargedBytes()).isZero();
    }

    @Test
    void clear_releasesWhatWaits_andTheClosedChannelReleasesWhatItHeld() {
        OutboundQueue queue = queue(PLENTY, 10, SlowConsumerPolicy.DISCONNECT);
        socket.stall();
        publish(queue, message(BIG));
        ByteBuf b = message("b");
        ByteBuf c = message("c");
        publish(queue, b);
        publish(queue, c);

        queue.clear();

        assertThat(queue.isEmpty()).isTrue();
        assertThat(b.refCnt()).isEqualTo(1);
        assertThat(c.refCnt()).isEqualTo(1);
        assertThat(queue.queuedBytes()).as("the channel still holds the first").isEqualTo(cost(BIG));
        assertThat(queue.queuedMessages()).isEqualTo(1);
        assertThat(budget.chargedBytes()).isEqualTo(cost(BIG));
        channel.close();
        assertThat(queue.queuedBytes()).isZero();
        assertThat(budget.chargedBytes()).isZero();
        assertThat(stats.delivered()).isZero();
    }

    /**
     * What the limits count covers what entries cost, bytes and heap, where they cost the most: in the connection
     * (with the write's promise and Netty's own entry), for a batch that 1,000 queues share and for a message one
     * queue alone holds (then its buffer's object too). Measured over 100,000 entries with Netty's default leak
     * detection, as the server runs: paranoid detection keeps records of every buffer access, which would be
     * measured instead. Object sizes assume compressed pointers, the JVM's default below 32 GiB of heap.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 1000})
    void limits_countWhatEntriesInTheConnectionCost(int holders) {
        assumeTrue(compressedPointers(), "object sizes measured with compressed pointers");
        int entries = 100_000;
        int size = 21;
        OutboundQueue queue = queue(Long.MAX_VALUE / 2, Integer.MAX_VALUE, SlowConsumerPolicy.DISCONNECT);
        // Every entry goes to the connection, none waits in the queue.
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(Integer.MAX_VALUE / 2, Integer.MAX_VALUE));
        socket.stall();
        ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
        try {
            long before = liveHeap();
            for (int i = 0; i < entries / holders; i++) {
                ByteBuf batch = ByteBufAllocator.DEFAULT.directBuffer(size).writeZero(size);
                SharedBytes shared = SharedBytesFixture.of(size);
                for (int h = 0; h < holders; h++) {
                    queue.offer(batch, 1, shared, null, 0, 0);
                }
                batch.release();
            }
            double heapPerEntry = (liveHeap() - before) / (double) entries;
            double costPerEntry = heapPerEntry + size / (double) holders;

            assertThat(queue.queuedMessages()).isEqualTo(entries);
            assertThat(budget.chargedBytes() / (double) entries).as("charged per entry, for %s bytes of heap",
                    heapPerEntry).isGreaterThanOrEqualTo(costPerEntry);
        } finally {
            ResourceLeakDetector.setLevel(level);
        }
    }

    private static boolean compressedPointers() {
        HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        return hotSpot != null && Boolean.parseBoolean(hotSpot.getVMOption("UseCompressedOops").getValue());
    }

    /** Heap in use after a full collection. */
    private static long liveHeap() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
