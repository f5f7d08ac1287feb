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
import java.util.ArrayList;
import java.util.List;

/** Decodes one frame body; the implementation of {@link ControlCodec#decode}. */
final class ControlDecoder {

    /** The fewest bytes an option takes: two empty strs. */
    private static final int MIN_OPTION_BYTES = 4;
    /** The fewest bytes a position takes: a str, an epoch and a sequence. */
    private static final int MIN_POSITION_BYTES = 2 + 8 + 8;

    private ControlDecoder() {
    }

    static ControlFrame decode(ByteBuf body) {
        if (!body.isReadable()) {
            throw new ControlProtocolException(ErrorCode.MALFORMED,
                    "empty frame body: a control frame starts with its type byte");
        }
        FrameType type = FrameType.of(body.getUnsignedByte(body.readerIndex()));
        BodyReader in = new BodyReader(body, type);
        ControlFrame frame = switch (type) {
            case HELLO -> hello(in);
            case WELCOME -> welcome(in);
            case PING -> new Ping(in.u64("token"));
            case PONG -> new Pong(in.u64("token"));
            case SUB -> sub(in);
            case UNSUB -> new Unsub(in.id("subscription id"));
            case SUBSCRIBED -> new Subscribed(in.id("subscription id"), in.u63("epoch"), in.u63("last sequence"));
            case PUB -> pub(in);
            case ACK -> new Ack(in.positiveU63("publish id"), in.u63("epoch"), in.u63("sequence"));
            case MSG -> msg(in);
            case GAP -> new Gap(in.id("subscription id"), in.lookup("cause", in.u8("cause"), GapCause::of),
                    in.u63("epoch"), in.u63("first missing"), in.u63("last missing"), in.u63("first held"),
                    in.u63("last held"), in.topic("topic"));
            case RESET -> new Reset(in.id("subscription id"), in.u63("client epoch"), in.u63("epoch"),
                    in.u63("first held"), in.u63("last held"), in.topic("topic"));
            case ERROR -> error(in);
            case GOODBYE -> new Goodbye(in.lookup("reason", in.u8("reason"), GoodbyeReason::of), in.str("text"));
        };
        // PUB and MSG end with the rest of the body, so this never throws with a payload to release.
        in.end();
        return frame;
    }

    private static Hello hello(BodyReader in) {
        in.expect("magic", ControlCodec.magicBytes(), "66 61 6e 6f 75 74 0a (\"fanout\\n\")");
        int version = in.u16("version");
        if (version != ControlCodec.VERSION) {
            // A later version may lay out what follows differently; the receiver answers with the versions it
            // speaks, which needs the version alone.
            in.skipRest();
            return new Hello(version, List.of());
        }
        int count = in.u16("option count");
        if (count > HelloOptions.MAX_OPTIONS) {
            throw in.malformed("option count", "is " + count + ", the most allowed is " + HelloOptions.MAX_OPTIONS);
        }
        List<Option> options = options(in, count);
        String problem = HelloOptions.problem(options);
        if (problem != null) {
            throw in.fail(ErrorCode.MALFORMED, problem);
        }
        return new Hello(version, options);
    }

    private static Welcome welcome(BodyReader in) {
        in.expect("magic", ControlCodec.magicBytes(), "66 61 6e 6f 75 74 0a (\"fanout\\n\")");
        int version = in.u16("version");
        long clientId = in.positiveU63("client id");
        String serverName = in.str("server name");
        String serverVersion = in.str("server version");
        int maxPayload = in.u31("max payload");
        long queueBytes = in.u63("queue bytes");
        int pingInterval = in.u31("ping interval");
        int pingTimeout = in.u31("ping timeout");
        List<Option> options = options(in, in.u16("option count"));
        return new Welcome(version, clientId, serverName, serverVersion, maxPayload, queueBytes, pingInterval,
                pingTimeout, options);
    }

    private static List<Option> options(BodyReader in, int count) {
        in.entries("options", count, MIN_OPTION_BYTES);
        List<Option> options = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String key = in.str("options[" + i + "].key");
            options.add(new Option(key, in.str("options[" + i + "].value")));
        }
        return options;
    }

    private static Sub sub(BodyReader in) {
        int id = in.id("subscription id");
        try {
            return subAfterId(in, id);
        } catch (ControlProtocolException e) {
            throw e.about(RefKind.SUBSCRIPTION_ID, id);
        }
    }

    private static Sub subAfterId(BodyReader in, int id) {
        int flags = in.u8("flags");
        if ((flags & ~1) != 0) {
            throw in.malformed("flags", String.format("is 0x%02x: only bit 0 (ECHO) is defined, the others must be 0",
                    flags));
        }
        ResumeMode mode = in.lookup("mode", in.u8("mode"), ResumeMode::of);
        long epoch = in.u63("epoch");
        long value = in.u63("value");
        if (mode == ResumeMode.NEW && value != 0) {
            throw in.malformed("value", "is " + value + ": it must be 0 with mode NEW");
        }
        String filter = in.filter("filter");
        int count = in.u16("position count");
        if (count > 0 && !TopicNames.isPattern(filter)) {
            throw in.malformed("position count", "is " + count + ", but positions are only allowed with a pattern,"
                    + " and the filter " + TopicNames.quote(filter) + " is an exact topic");
        }
        in.entries("positions", count, MIN_POSITION_BYTES);
        List<TopicPosition> positions = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String field = "positions[" + i + "].topic";
            String topic = in.topic(field);
            if (!TopicNames.matches(filter, topic)) {
                throw in.fail(ErrorCode.BAD_TOPIC, "field '" + field + "': topic " + TopicNames.quote(topic)
                        + " is not matched by the pattern " + TopicNames.quote(filter));
            }
            positions.add(new TopicPosition(topic, in.u63("positions[" + i + "].epoch"),
                    in.u63("positions[" + i + "].next sequence")));
        }
        return new Sub(id, (flags & 1) != 0, mode, epoch, value, filter, positions);
    }

    private static Pub pub(BodyReader in) {
        long publishId = in.u63("publish id");
        try {
            String topic = in.topic("topic");
            ByteBuf payload = in.rest();
            return new Pub(publishId, topic, payload);
        } catch (ControlProtocolException e) {
            throw e.about(RefKind.PUBLISH_ID, publishId);
        }
    }

    private static Msg msg(BodyReader in) {
        int id = in.id("subscription id");
        long epoch = in.u63("epoch");
        long sequence = in.u63("sequence");
        long publishedAt = in.u63("publish time");
        String topic = in.topic("topic");
        ByteBuf payload = in.rest();
        return new Msg(id, epoch, sequence, publishedAt, topic, payload);
    }

    private static Error error(BodyReader in) {
        ErrorCode code = in.lookup("code", in.u16("code"), ErrorCode::of);
        RefKind kind = in.lookup("reference kind", in.u8("reference kind"), RefKind::of);
        long ref = in.u64("reference");
        boolean fits = switch (kind) {
            case NONE -> ref == 0;
            case PUBLISH_ID -> ref >= 1;
            case SUBSCRIPTION_ID -> ref >= 1 && ref <= Integer.MAX_VALUE;
        };
        if (!fits) {
            String rule = switch (kind) {
                case NONE -> "it must be 0";
                case PUBLISH_ID -> "a publish id is 1 to " + Long.MAX_VALUE;
                case SUBSCRIPTION_ID -> "a subscription id is 1 to " + Integer.MAX_VALUE;
            };
            throw in.malformed("reference", "is " + Long.toUnsignedString(ref) + " with reference kind " + kind
                    + ": " + rule);
        }
        return new Error(code, kind, ref, in.str("text"));
    }
}
