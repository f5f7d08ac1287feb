package dev.fanout.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reconnect waits and the reconnect decisions, with pinned randomness and a recording scheduler. */
class BackoffTest {

    private static final ReconnectOptions OPTIONS = ReconnectOptions.DEFAULTS
            .withWaits(Duration.ofMillis(100), Duration.ofSeconds(2)).withGrowth(2.0, 0.5);

    @Test
    void delay_withoutRandomShift_growsByTheMultiplier_upToTheMaximum() {
        Backoff backoff = new Backoff(OPTIONS, () -> 0.5);
        List<Long> waits = new ArrayList<>();
        for (int attempt = 1; attempt <= 8; attempt++) {
            waits.add(backoff.delay(attempt).toMillis());
        }
        assertThat(waits).containsExactly(100L, 200L, 400L, 800L, 1600L, 2000L, 2000L, 2000L);
    }

    @Test
    void delay_jitter_movesTheWaitByUpToItsShareEitherWay_butNeverPastTheMaximum() {
        assertThat(new Backoff(OPTIONS, () -> 0.0).delay(1)).isEqualTo(Duration.ofMillis(50));
        assertThat(new Backoff(OPTIONS, () -> 0.999_999).delay(1).toMillis()).isEqualTo(149);
        assertThat(new Backoff(OPTIONS, () -> 0.999_999).delay(10)).isEqualTo(Duration.ofSeconds(2));
        assertThat(new Backoff(OPTIONS, () -> 0.0).delay(10)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void delay_afterAVeryLongOutage_staysAtTheMaximum() {
        assertThat(new Backoff(OPTIONS, () -> 0.5).delay(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void reconnector_lossesWhileAnAttemptIsPending_scheduleOnlyOne() {
        List<Duration> scheduled = new ArrayList<>();
        List<Runnable> tasks = new ArrayList<>();
        int[] attempts = {0};
        Reconnector reconnector = new Reconnector(OPTIONS, new Backoff(OPTIONS, () -> 0.5),
                (task, delay) -> {
                    scheduled.add(delay);
                    tasks.add(task);
                }, () -> attempts[0]++, why -> { });

        reconnector.lost();
        reconnector.lost();
        reconnector.lost();
        assertThat(scheduled).containsExactly(Duration.ofMillis(100));

        tasks.get(0).run();
        reconnector.failed();
        tasks.get(1).run();
        reconnector.failed();
        assertThat(attempts[0]).isEqualTo(2);
        assertThat(scheduled).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400));

        reconnector.connected();
        reconnector.lost();
        assertThat(scheduled).hasSize(4).last().isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void reconnector_maxAttempts_givesUpAfterThatManyFailedAttempts() {
        List<Runnable> tasks = new ArrayList<>();
        List<String> gaveUp = new ArrayList<>();
        ReconnectOptions three = OPTIONS.withMaxAttempts(3);
        Reconnector reconnector = new Reconnector(three, new Backoff(three, () -> 0.5),
                (task, delay) -> tasks.add(task), () -> { }, gaveUp::add);

        reconnector.lost();
        reconnector.failed();
        reconnector.failed();
        assertThat(tasks).hasSize(3);
        assertThat(gaveUp).isEmpty();
        reconnector.failed();
        assertThat(tasks).hasSize(3);
        assertThat(gaveUp).containsExactly("gave up reconnecting after 3 attempts in a row");

        reconnector.lost();
        assertThat(tasks).hasSize(3);
    }

    @Test
    void reconnector_stopped_runsNoAttemptAlreadyScheduled() {
        List<Runnable> tasks = new ArrayList<>();
        int[] attempts = {0};
        Reconnector reconnector = new Reconnector(OPTIONS, new Backoff(OPTIONS, () -> 0.5),
                (task, delay) -> tasks.add(task), () -> attempts[0]++, why -> { });
        reconnector.lost();
        reconnector.stop();
        tasks.forEach(Runnable::run);
        assertThat(tasks).hasSize(1);
        assertThat(attempts[0]).isZero();
    }
}
