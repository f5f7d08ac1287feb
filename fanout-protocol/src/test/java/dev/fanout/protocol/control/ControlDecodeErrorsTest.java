package dev.fanout.protocol.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bodies that break the protocol: each fails with a ControlProtocolException naming the problem. */
class ControlDecodeErrorsTest {

    @Test
    void decode_everyPrefixThatCutsAField_isMalformedTruncated() {
        List<ControlFrame> samples = Samples.all();
        int checked = 0;
        for (ControlFrame sample : samples) {
            byte[] body = Samples.body(sample);
            int header = Samples.headerLength(sample);
            for (int cut = 1; cut < header; cut++) {
                byte[] prefix = Arrays.copyOf(body, cut);
                assertThat(malformed(prefix).getMessage())
                        .as("%s cut to %d bytes", sample.type(), cut)
                        .matches(sample.type() + ": field '[^']+' truncated: .*");
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(samples.size() * 8);
        assertThat(malformed(new byte[0])).hasMessage("empty frame body: a control frame starts with its type byte");
        Samples.releaseAll(samples);
    }

    @Test
    void decode_prefixThatCutsOnlyThePayload_isAShorterPayload() {
        List<ControlFrame> samples = Samples.all();
        int checked = 0;
        for (ControlFrame sample : samples.stream().filter(Samples::hasPayload).toList()) {
            byte[] body = Samples.body(sample);
            for (int cut = Samples.headerLength(sample); cut <= body.length; cut++) {
                ControlFrame frame = Samples.decode(Arrays.copyOf(body, cut));
                assertThat(frame.type()).isEqualTo(sample.type());
                frame.release();
                checked++;
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(4);
        Samples.releaseAll(samples);
    }

    @Test
    void decode_subFilterCutShort_namesTheFieldAndTheBytes() {
        byte[] body = BodyBuilder.type(FrameType.SUB).u32(7).u8(0).u8(0).u64(0).u64(0)
                .u16(12).bytes("pri".getBytes(StandardCharsets.US_ASCII)).build();
        assertThat(malformed(body)).hasMessage("SUB: field 'filter' truncated: needs 12 bytes, 3 left");
    }

    @Test
    void decode_bytesAfterTheLastField_isMalformed() {
        List<ControlFrame> samples = Samples.all();
        int checked = 0;
        for (ControlFrame sample : samples.stream().filter(frame -> !Samples.hasPayload(frame)).toList()) {
            byte[] body = Samples.body(sample);
            assertThat(malformed(Arrays.copyOf(body, body.length + 1)))
                    .hasMessage(sample.type() + ": 1 byte left over after the last field");
            assertThat(malformed(Arrays.copyOf(body, body.length + 3)))
                    .hasMessage(sample.type() + ": 3 bytes left over after the last field");
            checked++;
        }
        assertThat(checked).isEqualTo(samples.size() - 4);
        Samples.releaseAll(samples);
    }

    @Test
    void decode_unknownType_isUnknownType() {
        assertThatThrownBy(() -> Samples.decode(new byte[] {0x41, 0x42}))
                .isInstanceOfSatisfying(ControlProtocolException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_TYPE))
                .hasMessage("unknown frame type 0x41");
        assertThatThrownBy(() -> Samples.decode(new byte[] {(byte) 0xBD}))
                .hasMessage("unknown frame type 0xBD");
    }

    @Test
    void decode_invalidUtf8_isMalformed() {
        byte[][] invalid = {
            Samples.hex("ff"), Samples.hex("c3 28"), Samples.hex("c0 af"), Samples.hex("ed a0 80"),
            Samples.hex("f4 90 80 80"), Samples.hex("e2 82"),
        };
        for (byte[] bad : invalid) {
            byte[] goodbye = BodyBuilder.type(FrameType.GOODBYE).u8(1).strBytes(bad).build();
            assertThat(malformed(goodbye)).hasMessage("GOODBYE: field 'text' is not valid UTF-8");
            byte[] pub = BodyBuilder.type(FrameType.PUB).u64(1).strBytes(bad).build();
            assertThat(malformed(pub)).hasMessage("PUB: field 'topic' is not valid UTF-8");
            byte[] hello = BodyBuilder.type(FrameType.HELLO).magic().u16(1).u16(1).str("motd").strBytes(bad).build();
            assertThat(malformed(hello)).hasMessage("HELLO: field 'options[0].value' is not valid UTF-8");
        }
        ControlFrame ok = Samples.decode(BodyBuilder.type(FrameType.GOODBYE).u8(1).str("ça 🙂").build());
        assertThat(ok).isEqualTo(new ControlFrame.Goodbye(GoodbyeReason.CLIENT_QUIT, "ça 🙂"));
    }

    @Test
    void decode_unknownEnumValues_areMalformed() {
        assertThat(malformed(gap(0))).hasMessage("GAP: field 'cause': unknown gap cause 0 (known: 1 HISTORY, "
                + "2 DROPPED)");
        assertThat(malformed(gap(3))).hasMessageStartingWith("GAP: field 'cause': unknown gap cause 3");
        assertThat(malformed(sub(0, 4, 0))).hasMessageStartingWith("SUB: field 'mode': unknown resume mode 4");
        assertThat(malformed(sub(2, 0, 0)))
                .hasMessage("SUB: field 'flags' is 0x02: only bit 0 (ECHO) is defined, the others must be 0");
        assertThat(malformed(sub(0x81, 0, 0))).hasMessageStartingWith("SUB: field 'flags' is 0x81");
        assertThat(malformed(error(0, 0, 0))).hasMessageStartingWith("ERROR: field 'code': unknown error code 0");
        assertThat(malformed(error(18, 0, 0))).hasMessageStartingWith("ERROR: field 'code': unknown error code 18");
        assertThat(malformed(error(1, 3, 0)))
                .hasMessageStartingWith("ERROR: field 'reference kind': unknown reference kind 3");
        assertThat(malformed(BodyBuilder.type(FrameType.GOODBYE).u8(15).str("").build()))
                .hasMessageStartingWith("GOODBYE: field 'reason': unknown goodbye reason 15");
    }

    @Test
    void decode_idsAndNumbersOutOfRange_areMalformed() {
        assertThat(malformed(BodyBuilder.type(FrameType.UNSUB).u32(0).build()))
                .hasMessage("UNSUB: field 'subscription id' is 0: an id is 1 to 2147483647");
        assertThat(malformed(BodyBuilder.type(FrameType.UNSUB).u32(0x80000000L).build()))
                .hasMessage("UNSUB: field 'subscription id' is 2147483648: an id is 1 to 2147483647");
        assertThat(malformed(BodyBuilder.type(FrameType.ACK).u64(0).u64(1).u64(1).build()))
                .hasMessage("ACK: field 'publish id' is 0: it must be 1 to 9223372036854775807");
        assertThat(malformed(BodyBuilder.type(FrameType.SUBSCRIBED).u32(1).u64(-1).u64(0).build()))
                .hasMessage("SUBSCRIBED: field 'epoch' is 18446744073709551615, over the largest allowed "
                        + "9223372036854775807");
        assertThat(malformed(sub(0, 0, 5))).hasMessage("SUB: field 'value' is 5: it must be 0 with mode NEW");
        assertThat(malformed(error(1, 0, 5)))
                .hasMessage("ERROR: field 'reference' is 5 with reference kind NONE: it must be 0");
        assertThat(malformed(error(1, 2, 0)))
                .hasMessage("ERROR: field 'reference' is 0 with reference kind SUBSCRIPTION_ID: a subscription id "
                        + "is 1 to 2147483647");
        assertThat(malformed(error(1, 1, 0))).hasMessageStartingWith("ERROR: field 'reference' is 0");
        byte[] welcome = BodyBuilder.type(FrameType.WELCOME).magic().u16(1).u64(1).str("s").str("v").u32(0x80000000L)
                .build();
        assertThat(malformed(welcome)).hasMessage("WELCOME: field 'max payload' is 2147483648, over the largest "
                + "allowed 2147483647");
    }

    @Test
    void decode_hostileCounts_failBeforeAllocating() {
        byte[] hello = BodyBuilder.type(FrameType.HELLO).magic().u16(1).u16(32).str("k").build();
        assertThat(malformed(hello))
                .hasMessage("HELLO: field 'options' truncated: 32 entries need at least 128 bytes, 3 left");
        byte[] tooMany = BodyBuilder.type(FrameType.HELLO).magic().u16(1).u16(33).build();
        assertThat(malformed(tooMany)).hasMessage("HELLO: field 'option count' is 33, the most allowed is 32");
        byte[] positions = BodyBuilder.type(FrameType.SUB).u32(1).u8(0).u8(0).u64(0).u64(0).str("a.>")
                .u16(0xFFFF).u8(0).build();
        assertThat(malformed(positions))
                .hasMessage("SUB: field 'positions' truncated: 65535 entries need at least 1179630 bytes, 1 left");
        byte[] welcome = BodyBuilder.type(FrameType.WELCOME).magic().u16(1).u64(1).str("s").str("v").u32(1).u64(1)
                .u32(1).u32(1).u16(0xFFFF).build();
        assertThat(malformed(welcome)).hasMessageStartingWith("WELCOME: field 'options' truncated: 65535 entries");
    }

    @Test
    void decode_helloOptions_areChecked() {
        byte[] badName = BodyBuilder.type(FrameType.HELLO).magic().u16(1).u16(1).str("name").str("a b").build();
        assertThat(malformed(badName))
                .hasMessage("HELLO: option 'name' 'a b' is not a valid name: 1 to 32 of A-Za-z0-9_.-");
        byte[] badIdentity = BodyBuilder.type(FrameType.HELLO).magic().u16(1).u16(1).str("identity").str("")
                .build();
        assertThat(malformed(badIdentity)).hasMessageStartingWith("HELLO: option 'identity' '' is not a valid");
        byte[] unknownKey = BodyBuilder.type(FrameType.HELLO).magic().u16(1).u16(1).str("x-any").str("\u00e9")
                .build();
        assertThat(Samples.decode(unknownKey)).isEqualTo(new ControlFrame.Hello(1, List.of(
                new Option("x-any", "\u00e9"))));
    }

    @Test
    void decode_helloOfAnotherVersion_keepsOnlyTheVersion() {
        byte[] later = BodyBuilder.type(FrameType.HELLO).magic().u16(2).bytes(Samples.hex("de ad be ef")).build();
        assertThat(Samples.decode(later)).isEqualTo(new ControlFrame.Hello(2, List.of()));
        byte[] badMagic = BodyBuilder.type(FrameType.HELLO).bytes(Samples.hex("66 61 6e 6f 75 74 0d")).u16(1)
                .u16(0).build();
        assertThat(malformed(badMagic))
                .hasMessage("HELLO: field 'magic' is not 66 61 6e 6f 75 74 0a (\"fanout\\n\")");
    }

    @Test
    void decode_badTopics_areBadTopic() {
        assertBadTopic(BodyBuilder.type(FrameType.PUB).u64(1).str("prices.*").build(),
                "PUB: field 'topic': topic 'prices.*' is a pattern, but an exact topic is needed here");
        assertBadTopic(BodyBuilder.type(FrameType.SUB).u32(1).u8(0).u8(0).u64(0).u64(0).str("pri*").u16(0).build(),
                "SUB: field 'filter': filter 'pri*' has '*' inside a token at index 3");
        assertBadTopic(BodyBuilder.type(FrameType.SUB).u32(1).u8(0).u8(0).u64(0).u64(0).str("a.>").u16(1)
                .str("b.c").u64(1).u64(1).build(),
                "SUB: field 'positions[0].topic': topic 'b.c' is not matched by the pattern 'a.>'");
        assertBadTopic(BodyBuilder.type(FrameType.SUB).u32(1).u8(0).u8(0).u64(0).u64(0).str("a.>").u16(1)
                .str("a.*").u64(1).u64(1).build(),
                "SUB: field 'positions[0].topic': topic 'a.*' is a pattern");
        assertBadTopic(BodyBuilder.type(FrameType.MSG).u32(1).u64(1).u64(1).u64(1).str("prix.€").build(),
                "MSG: field 'topic': topic 'prix.\\u20ac' has the character U+20AC at index 5");
        assertBadTopic(BodyBuilder.type(FrameType.GAP).u32(1).u8(1).u64(1).u64(1).u64(1).u64(1).u64(1).str("")
                .build(), "GAP: field 'topic': topic is empty");
        assertBadTopic(BodyBuilder.type(FrameType.RESET).u32(1).u64(1).u64(1).u64(1).u64(1).str("a..b").build(),
                "RESET: field 'topic': topic 'a..b' has an empty token");
        byte[] exactWithPositions = BodyBuilder.type(FrameType.SUB).u32(1).u8(0).u8(0).u64(0).u64(0).str("a.b")
                .u16(1).str("a.b").u64(1).u64(1).build();
        assertThat(malformed(exactWithPositions)).hasMessage("SUB: field 'position count' is 1, but positions are "
                + "only allowed with a pattern, and the filter 'a.b' is an exact topic");
    }

    @Test
    void isHello_checksTypeAndMagicWithoutConsuming() {
        byte[] hello = Samples.body(new ControlFrame.Hello(1, List.of()));
        assertThat(isHello(hello)).isTrue();
        for (int i = 0; i < ControlCodec.HELLO_PREFIX_BYTES; i++) {
            byte[] wrong = hello.clone();
            wrong[i] ^= 0x20;
            assertThat(isHello(wrong)).as("byte %d changed", i).isFalse();
        }
        assertThat(isHello(Arrays.copyOf(hello, ControlCodec.HELLO_PREFIX_BYTES))).isTrue();
        assertThat(isHello(Arrays.copyOf(hello, ControlCodec.HELLO_PREFIX_BYTES - 1))).isFalse();
        assertThat(isHello(new byte[0])).isFalse();
        assertThat(isHello("fanout\n".getBytes(StandardCharsets.US_ASCII))).isFalse();
    }

    @Test
    void isWelcome_tellsWelcomeFromRawFramesBeforeIt() {
        byte[] welcome = Samples.body(new ControlFrame.Welcome(1, 4, "fanout", "0.1.0", 1024, 4096, 30_000, 10_000,
                List.of()));
        assertThat(ControlCodec.isWelcome(Unpooled.wrappedBuffer(welcome))).isTrue();
        assertThat(isHello(welcome)).isFalse();
        byte[] raw = {(byte) 0x8a, 0, 1, 0, 0, 0, 0, 0, 0, 0, 4};
        assertThat(ControlCodec.isWelcome(Unpooled.wrappedBuffer(raw))).as("a raw payload starting 8a").isFalse();
        assertThat(ControlCodec.isWelcome(Unpooled.wrappedBuffer(Samples.body(new ControlFrame.Hello(1, List.of())))))
                .isFalse();
    }

    private static boolean isHello(byte[] body) {
        ByteBuf buf = Unpooled.wrappedBuffer(body);
        boolean result = ControlCodec.isHello(buf);
        assertThat(buf.readerIndex()).isZero();
        return result;
    }

    private static byte[] gap(int cause) {
        return BodyBuilder.type(FrameType.GAP).u32(1).u8(cause).u64(1).u64(1).u64(1).u64(1).u64(1).str("t").build();
    }

    private static byte[] sub(int flags, int mode, long value) {
        return BodyBuilder.type(FrameType.SUB).u32(1).u8(flags).u8(mode).u64(0).u64(value).str("t").u16(0).build();
    }

    private static byte[] error(int code, int kind, long ref) {
        return BodyBuilder.type(FrameType.ERROR).u16(code).u8(kind).u64(ref).str("").build();
    }

    private static ControlProtocolException malformed(byte[] body) {
        ControlProtocolException e = decodeFailure(body);
        assertThat(e.code()).as("code for %s", e.getMessage()).isEqualTo(ErrorCode.MALFORMED);
        return e;
    }

    private static void assertBadTopic(byte[] body, String messageStart) {
        ControlProtocolException e = decodeFailure(body);
        assertThat(e.code()).as("code for %s", e.getMessage()).isEqualTo(ErrorCode.BAD_TOPIC);
        assertThat(e).hasMessageStartingWith(messageStart);
    }

    private static ControlProtocolException decodeFailure(byte[] body) {
        try {
            ControlFrame frame = Samples.decode(body);
            frame.release();
            throw new AssertionError("decoded " + frame + " from " + Samples.hex(body));
        } catch (ControlProtocolException e) {
            return e;
        }
    }
}
