package dev.fanout.protocol.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;

/** The numbers of every enum, checked against the tables of the agreed spec. */
class ControlEnumsTest {

    @Test
    void frameType_codes_areTheSpecs() {
        assertCodes(FrameType.values(), FrameType::code, FrameType::of, "HELLO=137 WELCOME=138 PING=129 PONG=130 "
                + "SUB=144 UNSUB=145 SUBSCRIBED=146 PUB=160 ACK=161 MSG=176 GAP=177 RESET=178 ERROR=190 GOODBYE=191");
        for (FrameType type : FrameType.values()) {
            assertThat(type.code()).as("%s is a UTF-8 continuation byte", type).isBetween(0x80, 0xBF);
            assertThat(type.fromClient() || type.fromServer()).isTrue();
        }
    }

    @Test
    void frameType_unknownByte_isUnknownType() {
        int unknown = 0;
        for (int code = 0; code < 256; code++) {
            int value = code;
            if (Arrays.stream(FrameType.values()).noneMatch(t -> t.code() == value)) {
                assertThatThrownBy(() -> FrameType.of(value))
                        .isInstanceOfSatisfying(ControlProtocolException.class,
                                e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_TYPE));
                unknown++;
            }
        }
        assertThat(unknown).isEqualTo(256 - 14);
        assertThatThrownBy(() -> FrameType.of(-1)).isInstanceOf(ControlProtocolException.class);
        assertThatThrownBy(() -> FrameType.of(256)).isInstanceOf(ControlProtocolException.class);
    }

    @Test
    void frameType_directions_areTheSpecs() {
        assertThat(FrameType.HELLO.fromClient()).isTrue();
        assertThat(FrameType.HELLO.fromServer()).isFalse();
        assertThat(FrameType.MSG.fromClient()).isFalse();
        assertThat(FrameType.PING.fromClient() && FrameType.PING.fromServer()).isTrue();
        assertThat(FrameType.GOODBYE.fromClient() && FrameType.GOODBYE.fromServer()).isTrue();
    }

    @Test
    void errorCode_codesAndLabels_areTheSpecs() {
        assertCodes(ErrorCode.values(), ErrorCode::code, ErrorCode::of, "MALFORMED=1 UNKNOWN_TYPE=2 "
                + "UNSUPPORTED_VERSION=3 HELLO_REQUIRED=4 DUPLICATE_HELLO=5 BAD_TOPIC=6 FRAME_TOO_LARGE=7 "
                + "PAYLOAD_TOO_LARGE=8 TOPIC_LIMIT=9 UNKNOWN_SUBSCRIPTION=10 DUPLICATE_SUBSCRIPTION=11 "
                + "TOO_MANY_SUBSCRIPTIONS=12 NOT_ALLOWED=13 UNAVAILABLE=14 UNEXPECTED_TYPE=15 UNAUTHORIZED=16 "
                + "FORBIDDEN=17");
        assertThat(ErrorCode.BAD_TOPIC.label()).isEqualTo("bad_topic");
        assertThat(ErrorCode.UNSUPPORTED_VERSION.label()).isEqualTo("unsupported_version");
        assertUnknown(ErrorCode::of, 0, "unknown error code 0 (known: 1 MALFORMED, 2 UNKNOWN_TYPE");
        assertUnknown(ErrorCode::of, 18, "unknown error code 18");
    }

    @Test
    void goodbyeReason_codes_areTheSpecs() {
        assertCodes(GoodbyeReason.values(), GoodbyeReason::code, GoodbyeReason::of, "UNSPECIFIED=0 CLIENT_QUIT=1 "
                + "SHUTDOWN=2 SLOW_CONSUMER=3 KICKED=4 PROTOCOL_ERROR=5 FRAME_TOO_LARGE=6 FRAME_TIMEOUT=7 IDLE=8 "
                + "SERVER_FULL=9 ADDRESS_FULL=10 SERVER_ERROR=11 AUTH_FAILED=12 RELAY_LOOP=13 RECONNECT=14");
        assertUnknown(GoodbyeReason::of, 15, "unknown goodbye reason 15");
    }

    @Test
    void smallEnums_codes_areTheSpecs() {
        assertCodes(GapCause.values(), GapCause::code, GapCause::of, "HISTORY=1 DROPPED=2");
        assertCodes(ResumeMode.values(), ResumeMode::code, ResumeMode::of, "NEW=0 FROM=1 LAST=2 SINCE=3");
        assertCodes(RefKind.values(), RefKind::code, RefKind::of, "NONE=0 PUBLISH_ID=1 SUBSCRIPTION_ID=2");
        assertUnknown(GapCause::of, 0, "unknown gap cause 0 (known: 1 HISTORY, 2 DROPPED)");
        assertUnknown(ResumeMode::of, 4, "unknown resume mode 4 (known: 0 NEW, 1 FROM, 2 LAST, 3 SINCE)");
        assertUnknown(RefKind::of, 255, "unknown reference kind 255");
    }

    private static <E extends Enum<E>> void assertCodes(E[] values, ToIntFunction<E> code, IntFunction<E> of,
                                                        String expected) {
        Map<String, Integer> codes = new LinkedHashMap<>();
        for (E value : values) {
            codes.put(value.name(), code.applyAsInt(value));
            assertThat(of.apply(code.applyAsInt(value))).isSameAs(value);
        }
        StringBuilder actual = new StringBuilder();
        codes.forEach((name, number) -> actual.append(actual.length() == 0 ? "" : " ").append(name).append('=')
                .append(number));
        assertThat(actual.toString()).isEqualTo(expected);
    }

    private static void assertUnknown(IntFunction<?> of, int code, String messageStart) {
        assertThatThrownBy(() -> of.apply(code))
                .isInstanceOfSatisfying(ControlProtocolException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED))
                .hasMessageStartingWith(messageStart);
    }
}
