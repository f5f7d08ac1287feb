package dev.fanout.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fanout.protocol.control.ControlCodec;
import dev.fanout.protocol.control.ControlFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** {@link AckedPublisher} in an {@link EmbeddedChannel}, behind fanout's or NATS's ack handler. */
class AckedPublisherTest {

    private static final FanoutControlWire FANOUT = new FanoutControlWire();
    private static final byte[] WELCOME = ControlFrames.wire(new ControlFrame.Welcome(1, 7, "fanout", "0.1.0",
            1 << 20, 1 << 18, 30_000, 10_000, List.of()));

    @Test
    void window_keepsAtMostThatManyPublishesAwaitingAcknowledgement_andRefillsPerRead() {
        AckedPublisher publisher = new AckedPublisher(0, FANOUT, "bench", "unused", 16, 10, 3);
        EmbeddedChannel channel = channel(publisher, FANOUT);
        CompletableFuture<Long> finished = publisher.start(Long.MAX_VALUE, 0);
        channel.runPendingTasks();
        assertThat(publishIds(channel)).containsExactly(1L, 2L, 3L);

        channel.writeInbound(Unpooled.wrappedBuffer(ControlFrames.concat(WELCOME, ack(1))));
        assertThat(publishIds(channel)).containsExactly(4L);
        // Two acknowledgements in one read: two more publishes, written together.
        channel.writeInbound(Unpooled.wrappedBuffer(ControlFrames.concat(ack(2), ack(3))));
        assertThat(publishIds(channel)).containsExactly(5L, 6L);
        assertThat(publisher.acknowledged()).isEqualTo(3);

        List<Long> rest = new ArrayList<>();
        for (long id = 4; id <= 10; id++) {
            channel.writeInbound(Unpooled.wrappedBuffer(ack(id)));
            rest.addAll(publishIds(channel));
        }
        assertThat(rest).containsExactly(7L, 8L, 9L, 10L);
        assertThat(finished).isCompletedWithValue(10L);
        assertThat(publisher.sent()).isEqualTo(10);
        assertThat(publisher.acknowledged()).isEqualTo(10);
        assertThat(publisher.outOfOrder()).isZero();
        assertThat(publisher.latency().getTotalCount()).isEqualTo(10);
        assertThat(publisher.lastAckNanos()).isPositive();
        assertThat(publisher.failure()).isNull();
        channel.finishAndReleaseAll();
    }

    /** A regression guard: fanout with history on disk answered ACKs out of publish order. */
    @Test
    void acknowledgementsOutOfOrder_areCounted_andTheWindowWaitsForTheOldest() {
        AckedPublisher publisher = new AckedPublisher(0, FANOUT, "bench", "unused", 16, 8, 3);
        EmbeddedChannel channel = channel(publisher, FANOUT);
        publisher.start(Long.MAX_VALUE, 0);
        channel.runPendingTasks();
        assertThat(publishIds(channel)).containsExactly(1L, 2L, 3L);
        // 3 overtakes 1 and 2: publish 1 still awaits, so nothing more may go.
        channel.writeInbound(Unpooled.wrappedBuffer(ControlFrames.concat(WELCOME, ack(3))));
        assertThat(publishIds(channel)).isEmpty();
        channel.writeInbound(Unpooled.wrappedBuffer(ack(1)));
        assertThat(publishIds(channel)).containsExactly(4L);
        // 2 lets the window move past 3, which was acknowledged already.
        channel.writeInbound(Unpooled.wrappedBuffer(ack(2)));
        assertThat(publishIds(channel)).containsExactly(5L, 6L);
        channel.writeInbound(Unpooled.wrappedBuffer(ControlFrames.concat(ack(6), ack(4), ack(5))));
        assertThat(publishIds(channel)).containsExactly(7L, 8L);
        channel.writeInbound(Unpooled.wrappedBuffer(ControlFrames.concat(ack(7), ack(8))));
        assertThat(publisher.acknowledged()).isEqualTo(8);
        assertThat(publisher.outOfOrder()).as("3 before 1, 6 before 4").isEqualTo(2);
        assertThat(publisher.latency().getTotalCount()).isEqualTo(8);
        assertThat(publisher.failure()).isNull();
        channel.finishAndReleaseAll();
    }

    @Test
    void acknowledgementWithNothingAwaitingOne_failsTheConnection() {
        AckedPublisher publisher = new AckedPublisher(3, FANOUT, "bench", "unused", 16, 1, 1);
        EmbeddedChannel channel = channel(publisher, FANOUT);
        CompletableFuture<Long> finished = publisher.start(Long.MAX_VALUE, 0);
        channel.runPendingTasks();
        assertThat(publishIds(channel)).containsExactly(1L);
        channel.writeInbound(Unpooled.wrappedBuffer(ControlFrames.concat(WELCOME, ack(1), ack(2))));
        assertThat(publisher.failure())
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessage("publisher 3: an acknowledgement (publish id 2) of no publish awaiting one (none of its "
                        + "1 does)");
        assertThat(channel.isOpen()).isFalse();
        assertThat(finished).isCompletedExceptionally();
        channel.finishAndReleaseAll();
    }

    @Test
    void acknowledgementRepeated_failsTheConnection() {
        AckedPublisher publisher = new AckedPublisher(0, FANOUT, "bench", "unused", 16, 4, 4);
        EmbeddedChannel channel = channel(publisher, FANOUT);
        publisher.start(Long.MAX_VALUE, 0);
        channel.runPendingTasks();
        assertThat(publishIds(channel)).containsExactly(1L, 2L, 3L, 4L);
        channel.writeInbound(Unpooled.wrappedBuffer(ControlFrames.concat(WELCOME, ack(2), ack(2))));
        assertThat(publisher.failure())
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessage("publisher 0: an acknowledgement (publish id 2) of no publish awaiting one (publishes 1 "
                        + "to 4 but those acknowledged do)");
        assertThat(publisher.acknowledged()).isEqualTo(1);
        channel.finishAndReleaseAll();
    }

    @Test
    void connectionClosedBeforeTheEnd_failsThePublisherSayingHowFarItGot() {
        AckedPublisher publisher = new AckedPublisher(1, FANOUT, "bench", "unused", 16, 100, 4);
        EmbeddedChannel channel = channel(publisher, FANOUT);
        CompletableFuture<Long> finished = publisher.start(Long.MAX_VALUE, 0);
        channel.runPendingTasks();
        channel.writeInbound(Unpooled.wrappedBuffer(ControlFrames.concat(WELCOME, ack(1))));
        channel.close();
        assertThat(finished).isCompletedExceptionally();
        assertThat(finished.handle((sent, failure) -> failure.getMessage()).join())
                .isEqualTo("publisher 1: the server closed the connection after 5 publishes, 1 acknowledged");
        channel.finishAndReleaseAll();
    }

    @Test
    void repliesToThePreparation_comeFirst_andAreNotAcknowledgements() {
        NatsWire nats = new NatsWire();
        AckedPublisher publisher = new AckedPublisher(0, nats, "bench", "_INBOX.t.0", 16, 2, 2);
        EmbeddedChannel channel = channel(publisher, nats);
        assertThat(publisher.prepared()).isNotDone();
        channel.writeInbound(Buffers.latin1(reply("{\"type\":\"io.nats.jetstream.api.v1.stream_create_response\"}")));
        assertThat(publisher.prepared()).isCompleted();
        assertThat(publisher.acknowledged()).isZero();

        CompletableFuture<Long> finished = publisher.start(Long.MAX_VALUE, 0);
        channel.runPendingTasks();
        assertThat(Buffers.outbound(channel)).hasSize(1).allSatisfy(written -> assertThat(written)
                .startsWith("PUB bench _INBOX.t.0 16\r\n").hasSize(2 * (25 + 16 + 2)));
        channel.writeInbound(Buffers.latin1(reply("{\"stream\":\"bench\",\"seq\":1}")
                + reply("{\"stream\":\"bench\",\"seq\":2}")));
        assertThat(publisher.acknowledged()).isEqualTo(2);
        assertThat(finished).isCompletedWithValue(2L);
        channel.finishAndReleaseAll();
    }

    private static EmbeddedChannel channel(AckedPublisher publisher, AckedWire wire) {
        return new EmbeddedChannel(new ReceiptClock(publisher::readArrived), wire.ackHandler(publisher), publisher);
    }

    private static byte[] ack(long publishId) {
        return ControlFrames.wire(new ControlFrame.Ack(publishId, 3, publishId));
    }

    private static String reply(String json) {
        return "MSG _INBOX.t.0 1 " + json.length() + "\r\n" + json + "\r\n";
    }

    /** The publish ids of the PUB frames the publisher wrote since last asked; releases what it wrote. */
    private static List<Long> publishIds(EmbeddedChannel channel) {
        List<Long> ids = new ArrayList<>();
        for (ByteBuf out; (out = channel.readOutbound()) != null; ) {
            try {
                while (out.isReadable()) {
                    ControlFrame frame = ControlCodec.decode(out.readSlice(out.readInt()));
                    assertThat(frame).isInstanceOf(ControlFrame.Pub.class);
                    ids.add(((ControlFrame.Pub) frame).publishId());
                    frame.release();
                }
            } finally {
                out.release();
            }
        }
        return ids;
    }
}
