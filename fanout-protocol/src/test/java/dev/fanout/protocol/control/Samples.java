package dev.fanout.protocol.control;

import dev.fanout.protocol.control.ControlFrame.Ack;
import dev.fanout.protocol.control.ControlFrame.Error;
import dev.fanout.protocol.control.ControlFrame.Gap;
import dev.fanout.protocol.control.ControlFrame.Goodbye;
import dev.fanout.protocol.control.ControlFrame.Hello;
import dev.fanout.protocol.control.ControlFrame.Msg;
import dev.fanout.protocol.control.ControlFrame.Ping;
import dev.fanout.protocol.control.ControlFrame.Pong;
import dev.fanout.protocol.control.ControlFrame.Pub;
import dev.fanout.protocol.control.ControlFrame.Reset;
import dev.fanout.protocol.control.ControlFrame.Sub;
import dev.fanout.protocol.control.ControlFrame.Subscribed;
import dev.fanout.protocol.control.ControlFrame.Unsub;
import dev.fanout.protocol.control.ControlFrame.Welcome;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Valid frames of every type, and byte helpers, for the codec tests. */
final class Samples {

    private Samples() {
    }

    /**
     * At least one frame of every type, some types more than once to reach optional parts (options,
     * positions, empty and non-ASCII strings, empty payloads). Payloads are new buffers: release the frames.
     */
    static List<ControlFrame> all() {
        return List.of(
                new Hello(1, List.of(new Option("name", "alice"), new Option("identity", "k3Jx9-q"))),
                new Hello(1, List.of()),
                new Welcome(1, 42, "fanout", "0.1.0", 1_048_576, 262_144, 30_000, 10_000,
                        List.of(new Option("motd", "héllo ✓"))),
                new Ping(0x0102030405060708L),
                new Pong(-1),
                new Sub(7, true, ResumeMode.FROM, 3, 5, "prices.eur", List.of()),
                new Sub(8, false, ResumeMode.FROM, 0, 1, "prices.>", List.of(
                        new TopicPosition("prices.eur", 3, 11), new TopicPosition("prices.usd.spot", 4, 1))),
                new Sub(9, false, ResumeMode.NEW, 0, 0, "a.*.c", List.of()),
                new Unsub(Integer.MAX_VALUE),
                new Subscribed(7, 3, 4),
                new Pub(12, "prices.eur", payload("1.08")),
                new Pub(0, "t", payload("")),
                new Ack(12, 3, 9),
                new Msg(7, 3, 5, 1_700_000_000_000L, "prices.eur", payload("1.08")),
                new Msg(1, 0, 0, 0, "x", payload("")),
                new Gap(7, GapCause.HISTORY, 3, 5, 6, 7, 9, "prices.eur"),
                new Reset(7, 2, 3, 1, 0, "prices.eur"),
                new Error(ErrorCode.BAD_TOPIC, RefKind.PUBLISH_ID, 13, "bad topic"),
                new Error(ErrorCode.UNKNOWN_SUBSCRIPTION, RefKind.SUBSCRIPTION_ID, 5, ""),
                new Error(ErrorCode.MALFORMED, RefKind.NONE, 0, "ça ne va pas"),
                new Goodbye(GoodbyeReason.CLIENT_QUIT, "bye"));
    }

    /** The types {@code frames} cover. */
    static Set<FrameType> types(List<ControlFrame> frames) {
        Set<FrameType> types = EnumSet.noneOf(FrameType.class);
        frames.forEach(frame -> types.add(frame.type()));
        return types;
    }

    static ByteBuf payload(String text) {
        return ByteBufAllocator.DEFAULT.buffer().writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    static void releaseAll(List<? extends ControlFrame> frames) {
        frames.forEach(ControlFrame::release);
    }

    /** The whole wire frame, length prefix included. */
    static byte[] wire(ControlFrame frame) {
        ByteBuf wire = ControlCodec.encode(ByteBufAllocator.DEFAULT, frame);
        try {
            return ByteBufUtil.getBytes(wire);
        } finally {
            wire.release();
        }
    }

    /** The frame body: the wire frame without its length prefix. */
    static byte[] body(ControlFrame frame) {
        byte[] wire = wire(frame);
        byte[] body = new byte[wire.length - 4];
        System.arraycopy(wire, 4, body, 0, body.length);
        return body;
    }

    /** The bytes of a body before its payload: all of them for a frame without one. */
    static int headerLength(ControlFrame frame) {
        int payload = frame instanceof Pub pub ? pub.payload().readableBytes()
                : frame instanceof Msg msg ? msg.payload().readableBytes() : 0;
        return body(frame).length - payload;
    }

    static boolean hasPayload(ControlFrame frame) {
        return frame instanceof Pub || frame instanceof Msg;
    }

    /** Decodes {@code body} from a tracked buffer that is released before returning; release the frame. */
    static ControlFrame decode(byte[] body) {
        ByteBuf buf = ByteBufAllocator.DEFAULT.buffer(body.length).writeBytes(body);
        try {
            return ControlCodec.decode(buf);
        } finally {
            buf.release();
        }
    }

    /** Bytes from hex digits; spaces and line breaks are ignored. */
    static byte[] hex(String digits) {
        return ByteBufUtil.decodeHexDump(digits.replaceAll("\\s+", ""));
    }

    /** Lower-case hex digits, a space between bytes. */
    static String hex(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        for (byte b : bytes) {
            out.append(out.length() == 0 ? "" : " ").append(String.format("%02x", b & 0xFF));
        }
        return out.toString();
    }
}
