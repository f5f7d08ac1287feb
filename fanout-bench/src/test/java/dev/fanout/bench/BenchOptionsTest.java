package dev.fanout.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {

    private static BenchOptions fanOut(int subscribers, int stuck, int receiveBuffer) {
        return new BenchOptions(Target.FANOUT, "127.0.0.1", 7070, Shape.FAN_OUT, 1, subscribers, 16, 0,
                Duration.ofSeconds(1), 0, "bench", 1, Duration.ofSeconds(1), 0, 0, stuck, Duration.ZERO,
                receiveBuffer);
    }

    @Test
    void automaticReceiveBuffer_isTheKernelsForFewSubscribers() {
        assertThat(fanOut(1, 0, 0).subscriberReceiveBuffer()).isZero();
        assertThat(fanOut(BenchOptions.KERNEL_TUNED_UP_TO, 0, 0).subscriberReceiveBuffer()).isZero();
    }

    @Test
    void automaticReceiveBuffer_sharesTheTotalAmongManySubscribers_stuckOnesIncluded() {
        assertThat(fanOut(1000, 0, 0).subscriberReceiveBuffer()).isEqualTo(134_217);
        assertThat(fanOut(99, 1, 0).subscriberReceiveBuffer()).isEqualTo(1_342_177);
        assertThat((long) fanOut(1000, 0, 0).subscriberReceiveBuffer() * 1000)
                .isLessThanOrEqualTo(BenchOptions.AUTOMATIC_RECEIVE_BUFFERS);
    }

    @Test
    void automaticReceiveBuffer_neverGoesBelowTheMinimum() {
        assertThat(fanOut(19_000, 0, 0).subscriberReceiveBuffer()).isEqualTo(BenchOptions.MIN_RECEIVE_BUFFER);
    }

    @Test
    void givenReceiveBuffer_isUsedWhateverTheCount() {
        assertThat(fanOut(1, 0, 4096).subscriberReceiveBuffer()).isEqualTo(4096);
        assertThat(fanOut(1000, 0, 4096).subscriberReceiveBuffer()).isEqualTo(4096);
    }

    private static BenchOptions acked(Target target, int subscribers, long rate, long window, int stuck) {
        return new BenchOptions(target, "127.0.0.1", 7070, Shape.ACKED, 4, subscribers, 16, 0, Duration.ofSeconds(1),
                rate, "bench", 1, Duration.ofSeconds(1), 0, window, stuck, Duration.ZERO, 0);
    }

    @Test
    void acked_windowZero_picksTheDefault_elseTheGivenOne() {
        assertThat(acked(Target.FANOUT_CONTROL, 0, 0, 0, 0).ackWindow()).isEqualTo(BenchOptions.DEFAULT_ACK_WINDOW)
                .isEqualTo(64);
        assertThat(acked(Target.REDIS, 0, 0, 1, 0).ackWindow()).isEqualTo(1);
        assertThat(acked(Target.NATS, 0, 0, BenchOptions.MAX_ACK_WINDOW, 0).ackWindow())
                .isEqualTo(BenchOptions.MAX_ACK_WINDOW);
    }

    @Test
    void acked_againstRawFanout_isRefused_forItHasNoAcknowledgements() {
        assertThatThrownBy(() -> acked(Target.FANOUT, 0, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the acked shape needs a target that acknowledges publishes: fanout-control, nats or "
                        + "redis (fanout has no acknowledgements)");
    }

    @Test
    void acked_withSubscribersARateStuckReadersOrAHugeWindow_isRefused() {
        assertThatThrownBy(() -> acked(Target.FANOUT_CONTROL, 1, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("subscribers (1) must be 0 in the acked shape");
        assertThatThrownBy(() -> acked(Target.FANOUT_CONTROL, 0, 100, 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("rate (100) must be 0 in the acked shape");
        assertThatThrownBy(() -> acked(Target.FANOUT_CONTROL, 0, 0, 0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("stuck (1) must be 0 in the acked shape");
        assertThatThrownBy(() -> acked(Target.FANOUT_CONTROL, 0, 0, BenchOptions.MAX_ACK_WINDOW + 1, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("window (1048577) must be at most 1048576 in the acked shape");
    }

    @Test
    void otherShapes_stillNeedASubscriber() {
        assertThatThrownBy(() -> fanOut(0, 0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("subscribers (0) must be at least 1");
    }

    @Test
    void negativeReceiveBuffer_isRefused() {
        assertThatThrownBy(() -> fanOut(1, 0, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("receiveBuffer (-1)");
    }
}
