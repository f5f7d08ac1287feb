package dev.fanout.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PublishDedupTest {

    private final MutableClock clock = new MutableClock();
    private final AtomicInteger published = new AtomicInteger();
    private final AtomicInteger repeats = new AtomicInteger();

    private CompletableFuture<Position> publish(PublishDedup dedup, PublishId id) {
        return dedup.publishOnce(id, () -> CompletableFuture.completedFuture(
                new Position(1, published.incrementAndGet())), repeats::incrementAndGet);
    }

    @Test
    void repeat_withinTheWindow_getsTheFirstPosition_andIsNotPublished() {
        PublishDedup dedup = new PublishDedup(Duration.ofMinutes(2), 100, clock);
        PublishId id = new PublishId("alice", "t", 5);
        Position first = publish(dedup, id).join();
        assertThat(publish(dedup, id).join()).isEqualTo(first);
        assertThat(published).hasValue(1);
        assertThat(repeats).hasValue(1);
        assertThat(publish(dedup, new PublishId("bob", "t", 5)).join()).as("another identity").isNotEqualTo(first);
        assertThat(publish(dedup, new PublishId("alice", "u", 5)).join()).as("another topic").isNotEqualTo(first);
    }

    @Test
    void repeat_afterTheWindow_isPublishedAgain() {
        PublishDedup dedup = new PublishDedup(Duration.ofSeconds(10), 100, clock);
        PublishId id = new PublishId("alice", "t", 5);
        publish(dedup, id).join();
        clock.advance(10_001);
        publish(dedup, id).join();
        assertThat(published).hasValue(2);
        assertThat(dedup.size()).isEqualTo(1);
    }

    @Test
    void countBound_forgetsTheOldestFirst() {
        PublishDedup dedup = new PublishDedup(Duration.ofMinutes(2), 2, clock);
        publish(dedup, new PublishId("a", "t", 1)).join();
        publish(dedup, new PublishId("a", "t", 2)).join();
        publish(dedup, new PublishId("a", "t", 3)).join();
        assertThat(dedup.size()).isEqualTo(2);
        assertThat(dedup.forgottenForCount()).isEqualTo(1);
        publish(dedup, new PublishId("a", "t", 1)).join();
        assertThat(published).as("the oldest was forgotten, so published again").hasValue(4);
    }

    @Test
    void refusedPublish_isForgotten_soATryAgainIsPublished() {
        PublishDedup dedup = new PublishDedup(Duration.ofMinutes(2), 100, clock);
        PublishId id = new PublishId("a", "t", 1);
        CompletableFuture<Position> refused = dedup.publishOnce(id, () -> CompletableFuture.failedFuture(
                new PublishRefusedException(PublishRefusedException.Reason.UNAVAILABLE, "down")), () -> { });
        assertThat(refused).isCompletedExceptionally();
        publish(dedup, id).join();
        assertThat(published).hasValue(1);
    }
}
