package dev.fanout.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PublishBacklogTest {

    @Test
    void constructor_rejectsALimitBelowOne() {
        assertThatThrownBy(() -> new PublishBacklog(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("limitBytes must be positive: 0");
    }

    @Test
    void isFull_onlyAboveTheLimit() {
        PublishBacklog backlog = new PublishBacklog(100);
        backlog.add(100);
        assertThat(backlog.isFull()).isFalse();

        backlog.add(1);
        assertThat(backlog.isFull()).isTrue();
        assertThat(backlog.bytes()).isEqualTo(101);
        assertThat(backlog.limitBytes()).isEqualTo(100);
    }

    @Test
    void hasRoomToDeliver_leavesOutWhatIsOnItsWayToAStore_whichStillPausesPublishers() {
        PublishBacklog backlog = new PublishBacklog(100);
        CompletableFuture<String> stored = new CompletableFuture<>();
        CompletableFuture<String> outcome = backlog.whilePending(stored, 80);
        backlog.add(90);

        assertThat(backlog.isFull()).as("publishers pause on both together").isTrue();
        assertThat(backlog.hasRoomToDeliver()).as("90 wait for delivery").isTrue();
        backlog.add(11);
        assertThat(backlog.hasRoomToDeliver()).as("101 wait for delivery").isFalse();

        stored.complete("done");
        assertThat(outcome).isCompletedWithValue("done");
        assertThat(backlog.bytes()).isEqualTo(101);
        backlog.remove(1);
        assertThat(backlog.hasRoomToDeliver()).isTrue();
    }

    @Test
    void whenDrained_runsTheWaiterOnceDrainedToHalf() {
        PublishBacklog backlog = new PublishBacklog(100);
        backlog.add(150);
        AtomicInteger resumed = new AtomicInteger();

        backlog.whenDrained(resumed::incrementAndGet);
        assertThat(resumed).hasValue(0);

        backlog.remove(60);
        assertThat(backlog.isFull()).isFalse();
        assertThat(resumed).as("below the limit but above half").hasValue(0);

        backlog.remove(39);
        assertThat(resumed).as("one byte above half").hasValue(0);

        backlog.remove(1);
        assertThat(resumed).as("at half").hasValue(1);

        backlog.add(10);
        backlog.remove(10);
        assertThat(resumed).as("a waiter runs once").hasValue(1);
        assertThat(backlog.pauses()).isEqualTo(1);
    }

    @Test
    void whenDrained_runsEveryWaiter() {
        PublishBacklog backlog = new PublishBacklog(100);
        backlog.add(101);
        AtomicInteger resumed = new AtomicInteger();

        backlog.whenDrained(resumed::incrementAndGet);
        backlog.whenDrained(resumed::incrementAndGet);
        backlog.remove(101);

        assertThat(resumed).hasValue(2);
        assertThat(backlog.pauses()).isEqualTo(2);
    }

    @Test
    void whenDrained_alreadyAtHalf_runsAtOnce() {
        PublishBacklog backlog = new PublishBacklog(100);
        backlog.add(50);
        AtomicInteger resumed = new AtomicInteger();

        backlog.whenDrained(resumed::incrementAndGet);

        assertThat(resumed).hasValue(1);
    }

    @Test
    void pauseWhileFull_stopsReadingUntilDrained() {
        PublishBacklog backlog = new PublishBacklog(100);
        EmbeddedChannel publisher = new EmbeddedChannel();
        try {
            backlog.pauseWhileFull(publisher);
            assertThat(publisher.config().isAutoRead()).as("not full: keeps reading").isTrue();

            backlog.add(101);
            backlog.pauseWhileFull(publisher);
            assertThat(publisher.config().isAutoRead()).isFalse();

            backlog.remove(51);
            publisher.runPendingTasks();
            assertThat(publisher.config().isAutoRead()).isTrue();
            assertThat(backlog.pauses()).isEqualTo(1);
        } finally {
            publisher.finishAndReleaseAll();
        }
    }
}
