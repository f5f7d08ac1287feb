package dev.fanout.protocol.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fanout.protocol.control.ControlFrame.Hello;
import dev.fanout.protocol.control.ControlFrame.Msg;
import dev.fanout.protocol.control.ControlFrame.Pub;
import dev.fanout.protocol.control.ControlFrame.Sub;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Exact bytes, written by hand from the spec's tables, and the MSG and PUB fast paths. */
class ControlWireBytesTest {

    @Test
    void hello_bytes_areTheSpecs() {
        Hello hello = new Hello(1, List.of(new Option("name", "alice")));
        assertWire(hello, """
                00 00 00 19
                89 66 61 6e 6f 75 74 0a
                00 01
                00 01
                00 04 6e 61 6d 65
                00 05 61 6c 69 63 65
                """);
    }

    @Test
    void sub_bytes_areTheSpecs() {
        Sub sub = new Sub(7, true, ResumeMode.FROM, 3, 5, "prices.eur", List.of());
        assertWire(sub, """
                00 00 00 25
                90
                00 00 00 07
                01
                01
                00 00 00 00 00 00 00 03
                00 00 00 00 00 00 00 05
                00 0a 70 72 69 63 65 73 2e 65 75 72
                00 00
                """);
    }

    @Test
    void subWithPositions_bytes_areTheSpecs() {
        Sub sub = new Sub(8, false, ResumeMode.NEW, 0, 0, "p.*", List.of(new TopicPosition("p.a", 2, 9)));
        assertWire(sub, """
                00 00 00 33
                90 00 00 00 08 00 00
                00 00 00 00 00 00 00 00
                00 00 00 00 00 00 00 00
                00 03 70 2e 2a
                00 01
                00 03 70 2e 61
                00 00 00 00 00 00 00 02
                00 00 00 00 00 00 00 09
                """);
    }

    @Test
    void msg_bytes_areTheSpecs() {
        Msg msg = new Msg(7, 3, 5, 1_700_000_000_000L, "prices.eur", Samples.payload("1.08"));
        assertWire(msg, """
                00 00 00 2d
                b0
                00 00 00 07
                00 00 00 00 00 00 00 03
                00 00 00 00 00 00 00 05
                00 00 01 8b cf e5 68 00
                00 0a 70 72 69 63 65 73 2e 65 75 72
                31 2e 30 38
                """);
        msg.release();
    }

    @Test
    void writeMsg_producesExactlyWhatEncodeMakes() {
        ByteBuf payload = Samples.payload("shared payload");
        payload.readerIndex(7);
        byte[] topic = "news.sport".getBytes(StandardCharsets.US_ASCII);
        ByteBuf shared = ByteBufAllocator.DEFAULT.buffer().writeBytes(Samples.hex("ee ee"));
        ControlCodec.writeMsg(shared, 3, 1, 41, 1_000L, topic, payload);
        ControlCodec.writeMsg(shared, Integer.MAX_VALUE, 1, 42, 2_000L, topic, payload);
        assertThat(payload.readerIndex()).as("payload unchanged").isEqualTo(7);
        assertThat(payload.refCnt()).isEqualTo(1);

        byte[] first = Samples.wire(new Msg(3, 1, 41, 1_000L, "news.sport", payload.retainedSlice()));
        byte[] second = Samples.wire(new Msg(Integer.MAX_VALUE, 1, 42, 2_000L, "news.sport", payload.retain()));
        payload.release(2);
        assertThat(ControlCodec.msgSize(topic.length, 7)).isEqualTo(first.length).isEqualTo(second.length);
        byte[] expected = new byte[2 + first.length + second.length];
        expected[0] = (byte) 0xee;
        expected[1] = (byte) 0xee;
        System.arraycopy(first, 0, expected, 2, first.length);
        System.arraycopy(second, 0, expected, 2 + first.length, second.length);
        assertThat(ByteBufUtil.getBytes(shared)).isEqualTo(expected);
        shared.release();
        payload.release();
    }

    @Test
    void writeMsg_badArguments_areRefused() {
        ByteBuf out = ByteBufAllocator.DEFAULT.buffer();
        ByteBuf payload = Samples.payload("x");
        byte[] topic = {'t'};
        assertThatThrownBy(() -> ControlCodec.writeMsg(out, 0, 0, 0, 0, topic, payload))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("subscriptionId");
        assertThatThrownBy(() -> ControlCodec.writeMsg(out, 1, -1, 0, 0, topic, payload))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("epoch");
        assertThatThrownBy(() -> ControlCodec.writeMsg(out, 1, 0, 0, 0, new byte[256], payload))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("topic must be 1 to 255 bytes: 256");
        assertThatThrownBy(() -> ControlCodec.writeMsg(out, 1, 0, 0, 0, new byte[0], payload))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(out.readableBytes()).as("nothing written by a refused call").isZero();
        out.release();
        payload.release();
    }

    @Test
    void writePub_bytes_areTheSpecExamples() {
        ByteBuf out = ByteBufAllocator.DEFAULT.buffer();
        ByteBuf payload = Samples.payload("1.09");
        ControlCodec.writePub(out, 1, "prices.usd".getBytes(StandardCharsets.US_ASCII), payload);
        assertThat(Samples.hex(ByteBufUtil.getBytes(out))).isEqualTo(Samples.hex(Samples.hex("""
                00 00 00 19
                a0
                00 00 00 00 00 00 00 01
                00 0a 70 72 69 63 65 73 2e 75 73 64
                31 2e 30 39
                """)));
        out.release();
        payload.release();
    }

    @Test
    void writePub_producesExactlyWhatEncodeMakes() {
        ByteBuf payload = Samples.payload("shared payload");
        payload.readerIndex(7);
        byte[] topic = "news.sport".getBytes(StandardCharsets.US_ASCII);
        ByteBuf out = ByteBufAllocator.DEFAULT.buffer().writeBytes(Samples.hex("ee ee"));
        ControlCodec.writePub(out, 0, topic, payload);
        ControlCodec.writePub(out, Long.MAX_VALUE, topic, payload);
        ControlCodec.writePub(out, 0, topic, Unpooled.EMPTY_BUFFER);
        assertThat(payload.readerIndex()).as("payload unchanged").isEqualTo(7);
        assertThat(payload.refCnt()).isEqualTo(1);

        byte[] first = Samples.wire(new Pub(0, "news.sport", payload.retainedSlice()));
        byte[] second = Samples.wire(new Pub(Long.MAX_VALUE, "news.sport", payload.retain()));
        byte[] empty = Samples.wire(new Pub(0, "news.sport", Unpooled.EMPTY_BUFFER));
        payload.release(2);
        assertThat(ControlCodec.pubSize(topic.length, 7)).isEqualTo(first.length).isEqualTo(second.length);
        assertThat(ControlCodec.pubSize(topic.length, 0)).isEqualTo(empty.length);
        ByteBuf expected = Unpooled.buffer().writeBytes(Samples.hex("ee ee")).writeBytes(first).writeBytes(second)
                .writeBytes(empty);
        assertThat(ByteBufUtil.getBytes(out)).isEqualTo(ByteBufUtil.getBytes(expected));
        out.release();
        payload.release();
    }

    @Test
    void writePub_badArguments_areRefused() {
        ByteBuf out = ByteBufAllocator.DEFAULT.buffer();
        ByteBuf payload = Samples.payload("x");
        byte[] topic = {'t'};
        assertThatThrownBy(() -> ControlCodec.writePub(out, -1, topic, payload))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("publishId");
        assertThatThrownBy(() -> ControlCodec.writePub(out, 0, new byte[256], payload))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("topic must be 1 to 255 bytes: 256");
        assertThatThrownBy(() -> ControlCodec.writePub(out, 0, new byte[0], payload))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ControlCodec.pubSize(-1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(out.readableBytes()).as("nothing written by a refused call").isZero();
        out.release();
        payload.release();
    }

    @Test
    void maxHeaderBytes_boundsTheLargestPubAndMsgHeaders() {
        String longest = "t".repeat(TopicNames.MAX_TOPIC_BYTES);
        Msg msg = new Msg(Integer.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, longest,
                Samples.payload(""));
        Pub pub = new Pub(Long.MAX_VALUE, longest, Samples.payload(""));
        assertThat(Samples.body(msg)).hasSize(286);
        assertThat(Samples.body(pub)).hasSize(266);
        assertThat(ControlCodec.MAX_HEADER_BYTES).isGreaterThanOrEqualTo(286);
        msg.release();
        pub.release();
    }

    @Test
    void encode_strOverTheU16Limit_isRefused() {
        ControlFrame error = new ControlFrame.Error(ErrorCode.MALFORMED, RefKind.NONE, 0, "é".repeat(40_000));
        assertThatThrownBy(() -> ControlCodec.encode(ByteBufAllocator.DEFAULT, error))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ERROR: field 'text' is 80000 bytes of UTF-8, over the 65535 a str holds");
        ControlFrame atLimit = new ControlFrame.Error(ErrorCode.MALFORMED, RefKind.NONE, 0, "x".repeat(65_535));
        assertThat(Samples.decode(Samples.body(atLimit))).isEqualTo(atLimit);
    }

    private static void assertWire(ControlFrame frame, String hex) {
        byte[] expected = Samples.hex(hex);
        assertThat(Samples.hex(Samples.wire(frame))).isEqualTo(Samples.hex(expected));
        byte[] body = new byte[expected.length - 4];
        System.arraycopy(expected, 4, body, 0, body.length);
        ControlFrame decoded = Samples.decode(body);
        assertThat(decoded).isEqualTo(frame);
        decoded.release();
    }
}
