package dev.fanout.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TallyTest {

    private final ByteBuf payload = Unpooled.buffer(Stamp.SIZE).writeZero(Stamp.SIZE);
    private final Tally tally = new Tally(2);

    @BeforeEach
    void firstRead() {
        tally.readArrived(1);
    }

    @AfterEach
    void release() {
        payload.release();
    }

    private void receive(int publisher, int sequence, long sentNanos) {
        Stamp.write(payload, publisher, sequence, sentNanos);
        tally.onPayload(payload, payload.readerIndex(), payload.readableBytes());
    }

    @Test
    void inOrderMessages_areCountedPerPublisher() {
        tally.readArrived(100);
        receive(0, 0, 50);
        receive(1, 0, 50);
        receive(0, 1, 50);

        assertThat(tally.received()).isEqualTo(3);
        assertThat(tally.receivedFrom(0)).isEqualTo(2);
        assertThat(tally.receivedFrom(1)).isEqualTo(1);
        assertThat(tally.lost(new int[] {2, 1})).isZero();
        assertThat(tally.outOfOrder()).isZero();
    }

    @Test
    void gap_isLostAndALateArrivalIsOutOfOrder() {
        receive(0, 0, 0);
        receive(0, 3, 0);
        receive(0, 1, 0);

        assertThat(tally.lost(new int[] {4, 0})).isEqualTo(2);
        assertThat(tally.outOfOrder()).isEqualTo(1);
    }

    @Test
    void missingAtTheEnd_isLost() {
        receive(0, 0, 0);

        assertThat(tally.lost(new int[] {5, 2})).isEqualTo(4 + 2);
    }

    @Test
    void latency_runsFromSendTimeToTheArrivalOfTheRead() {
        tally.readArrived(10_000);
        receive(0, 0, 4_000);
        receive(0, 1, 7_000);
        tally.readArrived(20_000);
        receive(0, 2, 19_000);

        assertThat(tally.latency().getTotalCount()).isEqualTo(3);
        assertThat(tally.latency().getMinValue()).isEqualTo(1_000);
        assertThat(tally.latency().getMaxValue()).isBetween(6_000L, 6_010L);
        assertThat(tally.lastReceiptNanos()).isEqualTo(20_000);
    }

    @Test
    void warmUp_isCheckedButNotTimed() {
        tally.recordFrom(5_000);
        tally.readArrived(10_000);
        receive(0, 0, 4_000);
        receive(0, 1, 6_000);

        assertThat(tally.received()).isEqualTo(2);
        assertThat(tally.latency().getTotalCount()).isEqualTo(1);
    }

    @Test
    void probesAndForeignPayloads_areNotCounted() {
        receive(Stamp.PROBE, 0, 0);
        receive(7, 0, 0);
        tally.onPayload(payload, 0, Stamp.SIZE - 1);

        assertThat(tally.probed()).isTrue();
        assertThat(tally.received()).isZero();
        assertThat(tally.foreign()).isEqualTo(2);
    }

    @Test
    void payloadBeforeAnyStampedRead_failsClearly() {
        Tally unclocked = new Tally(1);
        Stamp.write(payload, 0, 0, 0);

        assertThatThrownBy(() -> unclocked.onPayload(payload, payload.readerIndex(), payload.readableBytes()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ReceiptClock");
    }
}
