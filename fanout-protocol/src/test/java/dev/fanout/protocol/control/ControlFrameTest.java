package dev.fanout.protocol.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fanout.protocol.control.ControlFrame.Ack;
import dev.fanout.protocol.control.ControlFrame.Error;
import dev.fanout.protocol.control.ControlFrame.Gap;
import dev.fanout.protocol.control.ControlFrame.Goodbye;
import dev.fanout.protocol.control.ControlFrame.Hello;
import dev.fanout.protocol.control.ControlFrame.Msg;
import dev.fanout.protocol.control.ControlFrame.Ping;
import dev.fanout.protocol.control.ControlFrame.Pub;
import dev.fanout.protocol.control.ControlFrame.Sub;
import dev.fanout.protocol.control.ControlFrame.Unsub;
import dev.fanout.protocol.control.ControlFrame.Welcome;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The records' own checks, lookups and buffer ownership. */
class ControlFrameTest {

    @Test
    void option_lookup_returnsTheFirstValueOrNull() {
        Hello hello = new Hello(1, List.of(new Option("name", "alice"), new Option("x", "1"), new Option("x", "2")));
        assertThat(hello.option("name")).isEqualTo("alice");
        assertThat(hello.option("x")).isEqualTo("1");
        assertThat(hello.option("identity")).isNull();
        Welcome welcome = new Welcome(1, 1, "s", "v", 0, 0, 0, 0, List.of(new Option("motd", "hi")));
        assertThat(welcome.option("motd")).isEqualTo("hi");
    }

    @Test
    void lists_areCopiedAndUnmodifiable() {
        List<Option> options = new ArrayList<>(List.of(new Option("a", "b")));
        Hello hello = new Hello(1, options);
        options.clear();
        assertThat(hello.options()).hasSize(1);
        assertThatThrownBy(() -> hello.options().add(new Option("c", "d")))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void release_freesPubAndMsgPayloads_andIsANoOpElsewhere() {
        ByteBuf pubPayload = payload("p");
        ByteBuf msgPayload = payload("m");
        new Pub(1, "t", pubPayload).release();
        new Msg(1, 0, 0, 0, "t", msgPayload).release();
        assertThat(pubPayload.refCnt()).isZero();
        assertThat(msgPayload.refCnt()).isZero();
        new Ping(1).release();
        new Goodbye(GoodbyeReason.SHUTDOWN, "").release();
    }

    @Test
    void constructors_refuseWhatTheWireCannotCarry() {
        assertRefused(() -> new Unsub(0), "subscriptionId must be 1 to 2147483647: 0");
        assertRefused(() -> new Hello(65_536, List.of()), "version must be 0 to 65535: 65536");
        assertRefused(() -> new Hello(1, Collections.nCopies(33, new Option("k", "v"))),
                "HELLO has 33 options, the most allowed is 32");
        assertRefused(() -> new Hello(1, List.of(new Option("name", ""))), "HELLO option 'name' '' is not a valid");
        assertRefused(() -> new Welcome(1, 0, "s", "v", 0, 0, 0, 0, List.of()), "clientId must be 1");
        assertRefused(() -> new Welcome(1, 1, "s", "v", -1, 0, 0, 0, List.of()), "maxPayload must be 0");
        assertRefused(() -> new Sub(1, false, ResumeMode.NEW, 0, 1, "t", List.of()),
                "value must be 0 with mode NEW: 1");
        assertRefused(() -> new Sub(1, false, ResumeMode.FROM, -1, 1, "t", List.of()), "epoch must be 0");
        assertRefused(() -> new Sub(1, false, ResumeMode.FROM, 0, 1, "pri*", List.of()), "filter: filter 'pri*'");
        assertRefused(() -> new Sub(1, false, ResumeMode.FROM, 0, 1, "a.b", List.of(new TopicPosition("a.b", 1, 1))),
                "positions are only allowed with a pattern filter: a.b");
        assertRefused(() -> new Sub(1, false, ResumeMode.FROM, 0, 1, "a.*", List.of(new TopicPosition("b.c", 1, 1))),
                "position topic 'b.c' is not matched by the pattern 'a.*'");
        assertRefused(() -> new TopicPosition("a.*", 1, 1), "topic: topic 'a.*' is a pattern");
        assertRefused(() -> new Ack(0, 1, 1), "publishId must be 1");
        assertRefused(() -> new Gap(1, GapCause.DROPPED, 1, -5, 1, 1, 1, "t"), "firstMissing must be 0");
        assertRefused(() -> new Error(ErrorCode.MALFORMED, RefKind.NONE, 3, ""),
                "ref 3 does not fit the reference kind NONE");
        assertRefused(() -> new Error(ErrorCode.MALFORMED, RefKind.SUBSCRIPTION_ID, 1L << 31, ""),
                "ref 2147483648 does not fit the reference kind SUBSCRIPTION_ID");
        ByteBuf payload = payload("kept");
        assertRefused(() -> new Pub(1, "a b", payload), "topic: topic 'a b' has the character");
        assertThat(payload.refCnt()).as("a refused payload stays the caller's").isEqualTo(1);
        payload.release();
        assertThatThrownBy(() -> new Goodbye(null, "")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Msg(1, 0, 0, 0, "t", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Option("k", null)).isInstanceOf(NullPointerException.class);
    }

    private static ByteBuf payload(String text) {
        return ByteBufAllocator.DEFAULT.buffer().writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertRefused(Runnable constructor, String messageStart) {
        assertThatThrownBy(constructor::run)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(messageStart);
    }
}
