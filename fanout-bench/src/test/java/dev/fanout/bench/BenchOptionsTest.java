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

    @Test
    void negativeReceiveBuffer_isRefused() {
        assertThatThrownBy(() -> fanOut(1, 0, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("receiveBuffer (-1)");
    }
}
