package dev.fanout.server.session;

import static dev.fanout.server.session.OutboundQueue.BUFFER_OVERHEAD;
import static dev.fanout.server.session.OutboundQueue.ENTRY_OVERHEAD;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.fanout.hub.Origin;
import dev.fanout.protocol.ByteSize;
import dev.fanout.server.testing.LogCapture;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The server-wide queue budget over real sessions on {@link EmbeddedChannel}s whose sockets take nothing: what
 * it charges, whom it cuts when full (the largest queues first), what it logs and counts, and what it lends
 * while the sessions it cut close.
 */
class QueueBudgetTest {

    private static final long LIMIT = 10_000;
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(1);

    private final SessionRegistry registry = new SessionRegistry();
    private final SessionStats stats = new SessionStats();
    private final QueueBudget budget = new QueueBudget(LIMIT, registry);
    private final SessionContext context = new SessionContext(null, null, registry, stats,
            new QueueLimits(1024 * 1024, 1000, SlowConsumerPolicy.DISCONNECT), budget, CLOSE_GRACE, error -> {
            }, null, java.time.Duration.ofSeconds(10), PublishLimits.NONE);
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private LogCapture log;

    @BeforeEach
    void capture() {
        log = LogCapture.of(QueueBudget.class, Session.class);
    }

    @AfterEach
    void closeEverything() {
        log.close();
        for (EmbeddedChannel channel : channels) {
            channel.runPendingTasks();
            channel.finishAndReleaseAll();
            channel.runPendingTasks();
        }
    }

    /** A session whose socket takes nothing, holding {@code held} bytes as the budget counts them (0: none). */
    private Stuck stuck(int held) {
        StallingSocket socket = new StallingSocket();
        socket.stall();
        EmbeddedChannel channel = new EmbeddedChannel(socket);
        channels.add(channel);
        Session session = new Session(registry.nextId(), channel, context, PlainWire.INSTANCE);
        session.open();
        if (held > 0) {
            session.sendText(Origin.OPERATOR, "x".repeat(held - ENTRY_OVERHEAD - BUFFER_OVERHEAD));
        }
        assertThat(session.queuedBytes()).isEqualTo(held);
        return new Stuck(session, channel);
    }

    private List<String> logged(Level level, Class<?> from) {
        return log.messages(level, from);
    }

    @Test
    void tryCharge_withinTheLimit_chargesAndCutsNobody() {
        Stuck held = stuck(3000);
        assertThat(budget.chargedBytes()).as("the session's own queue").isEqualTo(3000);

        assertThat(budget.tryCharge(LIMIT - 3000)).as("exactly at the limit").isTrue();

        assertThat(budget.chargedBytes()).isEqualTo(LIMIT);
        assertThat(budget.reclaims()).isZero();
        assertThat(budget.cuts()).isZero();
        assertThat(held.session.isBeingCut()).isFalse();
        assertThat(logged(Level.WARN, QueueBudget.class)).isEmpty();
        budget.release(LIMIT - 3000);
        assertThat(budget.chargedBytes()).isEqualTo(3000);
    }

    @Test
    void tryCharge_overTheLimit_cutsTheLargestQueuesFirst_andLogsOnce() {
        Stuck a = stuck(3000);
        Stuck b = stuck(2000);
        Stuck c = stuck(1000);
        Stuck d = stuck(500);
        Stuck idle = stuck(0);

        // 6,500 held and 6,000 more pass 10,000: the largest are cut until the rest and the charge fit in
        // seven eighths of the limit (8,750): a (3,000) leaves 9,500, a and b (5,000) leave 7,500.
        assertThat(budget.tryCharge(6000)).isTrue();

        assertThat(a.session.isBeingCut()).isTrue();
        assertThat(b.session.isBeingCut()).isTrue();
        assertThat(c.session.isBeingCut()).isFalse();
        assertThat(d.session.isBeingCut()).isFalse();
        assertThat(idle.session.isBeingCut()).isFalse();
        assertThat(budget.cuts()).isEqualTo(2);
        assertThat(budget.reclaims()).isEqualTo(1);
        assertThat(logged(Level.WARN, QueueBudget.class)).singleElement().asString()
                .contains("server-wide queue budget full", "cutting the 2 clients with the largest queues",
                        "--total-queue-bytes");
        assertThat(budget.chargedBytes()).as("what a and b hold is lent until they have closed").isEqualTo(12_500);
        budget.release(6000);
    }

    @Test
    void cutSessions_closeAsSlowConsumers_namingTheServerWideLimit() {
        Stuck a = stuck(3000);
        Stuck b = stuck(2000);
        budget.tryCharge(LIMIT - 1000);

        a.channel.runPendingTasks();
        b.channel.runPendingTasks();

        assertThat(a.session.closeReason()).isEqualTo(CloseReason.SLOW_CONSUMER);
        assertThat(b.session.closeReason()).isEqualTo(CloseReason.SLOW_CONSUMER);
        assertThat(stats.closes(CloseReason.SLOW_CONSUMER)).isEqualTo(2);
        assertThat(logged(Level.INFO, Session.class)).filteredOn(line -> line.contains(" closed: ")).hasSize(2)
                .allSatisfy(line -> assertThat(line)
                .contains("closed: too slow reading", "the server-wide queue budget (--total-queue-bytes "
                        + ByteSize.format(LIMIT) + ") was full", "among the largest"));
        budget.release(LIMIT - 1000);
    }

    @Test
    void cutSessions_lendWhatTheyHeldUntilTheirConnectionsHaveClosed() {
        Stuck a = stuck(3000);
        Stuck b = stuck(2000);
        Stuck c = stuck(1000);
        Stuck d = stuck(500);
        budget.tryCharge(6000);
        assertThat(budget.cuts()).isEqualTo(2);

        // Their event loops have not got round to closing them yet.
        assertThat(budget.tryCharge(2000)).as("fits in what a and b are about to free").isTrue();
        assertThat(budget.cuts()).as("nobody else was cut for what is already being freed").isEqualTo(2);
        assertThat(c.session.isBeingCut()).isFalse();
        assertThat(d.session.isBeingCut()).isFalse();
        assertThat(budget.chargedBytes()).as("past the limit by what is lent").isEqualTo(14_500);

        // Their connections hold what they held (their sockets take nothing): closing must give it back.
        a.channel.runPendingTasks();
        b.channel.runPendingTasks();
        assertThat(a.session.closeReason()).isEqualTo(CloseReason.SLOW_CONSUMER);
        assertThat(budget.tryCharge(500)).as("up to the limit, without cutting anyone else").isTrue();
        assertThat(budget.cuts()).isEqualTo(2);
        assertThat(budget.chargedBytes()).as("c, d and the three charges").isEqualTo(LIMIT);
        assertThat(a.channel.isOpen()).as("its socket would not take a goodbye: closed at once").isFalse();
        assertThat(b.channel.isOpen()).isFalse();
        assertThat(budget.reclaims()).isEqualTo(1);
        assertThat(budget.tryCharge(1)).as("past it, with nothing lent any more, the next largest are cut").isTrue();
        assertThat(c.session.isBeingCut()).isTrue();
        assertThat(budget.reclaims()).isEqualTo(2);
        budget.release(6000 + 2000 + 500 + 1);
    }

    @Test
    void tryCharge_whenCuttingEveryoneIsNotEnough_refusesAndChargesNothing() {
        Stuck only = stuck(1000);

        assertThat(budget.tryCharge(LIMIT + 1)).isFalse();

        assertThat(only.session.isBeingCut()).isTrue();
        assertThat(budget.chargedBytes()).as("only what the cut session still holds").isEqualTo(1000);
        assertThat(budget.cuts()).isEqualTo(1);
        assertThat(budget.reclaims()).isEqualTo(1);
    }

    @Test
    void aSessionsOwnOffer_cutsTheLargestOthers_andKeepsWhatItOffered() {
        Stuck a = stuck(3000);
        Stuck b = stuck(2000);
        stuck(1000);
        stuck(500);
        Stuck asking = stuck(0);

        asking.session.sendText(Origin.OPERATOR, "y".repeat(4000));

        assertThat(a.session.isBeingCut()).isTrue();
        assertThat(b.session.isBeingCut()).isFalse();
        assertThat(asking.session.isClosed()).isFalse();
        assertThat(asking.session.queuedBytes()).isEqualTo(4000 + ENTRY_OVERHEAD + BUFFER_OVERHEAD);
        assertThat(budget.chargedBytes()).isEqualTo(6500 + 4000 + ENTRY_OVERHEAD + BUFFER_OVERHEAD);
    }

    /** A session and its channel. */
    private record Stuck(Session session, EmbeddedChannel channel) {
    }
}
