package dev.fanout.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fanout.hub.PublishRefusedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * The bound on reads of topics' logs under way: a read starts while what is under way leaves room for it, waits
 * in order otherwise, starts when an earlier one is answered, and is refused when too many wait.
 */
class ReadBudgetTest {

    /** Reads started, each answered when the test completes it. */
    private final List<CompletableFuture<String>> started = new ArrayList<>();

    private CompletableFuture<String> read(ReadBudget budget, long bytes) {
        return budget.run(bytes, () -> {
            CompletableFuture<String> answer = new CompletableFuture<>();
            started.add(answer);
            return answer;
        });
    }

    @Test
    void readsBeyondTheBound_waitInOrder_andStartAsEarlierOnesAreAnswered() {
        ReadBudget budget = new ReadBudget(100, 10);
        CompletableFuture<String> first = read(budget, 60);
        CompletableFuture<String> second = read(budget, 30);
        CompletableFuture<String> third = read(budget, 20);
        CompletableFuture<String> fourth = read(budget, 5);

        assertThat(started).as("the third has no room, and the fourth waits behind it").hasSize(2);
        assertThat(budget.reservedBytes()).isEqualTo(90);
        assertThat(budget.waitingReads()).isEqualTo(2);

        started.get(0).complete("one");

        assertThat(first).isCompletedWithValue("one");
        assertThat(started).hasSize(4);
        assertThat(budget.reservedBytes()).isEqualTo(55);
        started.get(1).completeExceptionally(new IllegalStateException("gone"));
        assertThat(second).isCompletedExceptionally();
        started.get(2).complete("three");
        started.get(3).complete("four");
        assertThat(third).isCompletedWithValue("three");
        assertThat(fourth).isCompletedWithValue("four");
        assertThat(budget.reservedBytes()).isZero();
    }

    @Test
    void aReadLargerThanTheWholeBound_takesAllOfIt_ratherThanWaitingForever() {
        ReadBudget budget = new ReadBudget(100, 10);
        CompletableFuture<String> large = read(budget, 1_000);

        assertThat(started).hasSize(1);
        assertThat(budget.reservedBytes()).isEqualTo(100);
        started.get(0).complete("large");
        assertThat(large).isCompletedWithValue("large");
    }

    @Test
    void eachReadCountsItsMargin_andAReadOfEverything_takesTheWholeBound() {
        ReadBudget budget = new ReadBudget(100, 10, 10);
        read(budget, 30);
        assertThat(budget.reservedBytes()).isEqualTo(40);
        started.get(0).complete("small");

        CompletableFuture<String> everything = read(budget, Long.MAX_VALUE);
        read(budget, 1);

        assertThat(budget.reservedBytes()).as("not a negative cost").isEqualTo(100);
        assertThat(budget.waitingReads()).isEqualTo(1);
        started.get(1).complete("all");
        assertThat(everything).isCompletedWithValue("all");
        assertThat(budget.reservedBytes()).isEqualTo(11);
    }

    @Test
    void tooManyWaiting_areRefusedAtOnce_withTryAgain() {
        ReadBudget budget = new ReadBudget(100, 2);
        read(budget, 100);
        read(budget, 1);
        read(budget, 1);

        CompletableFuture<String> refused = read(budget, 1);

        assertThat(refused).failsWithin(Duration.ZERO)
                .withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(PublishRefusedException.class).withMessageContaining("try again");
        assertThat(budget.refusedReads()).isEqualTo(1);
        started.get(0).complete("done");
        assertThat(started).hasSize(3);
    }
}
