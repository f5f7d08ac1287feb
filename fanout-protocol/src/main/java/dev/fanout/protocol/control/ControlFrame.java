package dev.fanout.protocol.control;

import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Objects;

/**
 * One control-mode frame: a record per frame type, as {@code docs/protocol.md} lays them out byte by byte.
 *
 * <p><b>Buffers.</b> {@link Pub} and {@link Msg} own a payload buffer; every other frame holds none. Whoever
 * holds such a frame last calls {@link #release()} (a no-op for the others, so it is always safe to call).
 * Frames from {@link ControlCodec#decode} hold retained slices of the frame body; writing a frame to a
 * channel through {@link ControlFrameEncoder} hands it over, and the encoder releases it.
 * {@link ControlCodec#encode} itself never releases. Equality compares payloads by their readable bytes.
 *
 * <p><b>Checks.</b> The constructors refuse what the wire cannot carry or the decoder would refuse (null
 * fields, ids out of range, negative sequences, epochs and sizes, topics that break {@link TopicNames}) with
 * an {@link IllegalArgumentException} or {@link NullPointerException}, so every frame that can be made can be
 * sent and decoded. Strings over 65,535 bytes of UTF-8 are refused when encoded. Records are immutable apart
 * from the payload buffers they hold.
 */
public sealed interface ControlFrame {

    /** The frame's type byte. */
    FrameType type();

    /** Releases the payload a {@link Pub} or {@link Msg} holds; does nothing for other frames. */
    default void release() {
    }

    /** C->S, the first frame: magic, protocol version and options ({@link HelloOptions}, at most 32). */
    record Hello(int version, List<Option> options) implements ControlFrame {
        /** Checks the values; the options are copied. */
        public Hello {
            Checks.u16("version", version);
            options = Checks.list("options", options);
            String problem = HelloOptions.problem(options);
            if (problem != null) {
                throw new IllegalArgumentException("HELLO " + problem);
            }
        }

        /** The value of the first option named {@code key}, or null if there is none. */
        public String option(String key) {
            return Option.find(options, key);
        }

        @Override
        public FrameType type() {
            return FrameType.HELLO;
        }
    }

    /** S->C, the answer to HELLO: the version spoken, the client's id, the server and its limits. */
    record Welcome(int version, long clientId, String serverName, String serverVersion, int maxPayload,
                   long queueBytes, int pingIntervalMillis, int pingTimeoutMillis, List<Option> options)
            implements ControlFrame {
        /** Checks the values; the options are copied. */
        public Welcome {
            Checks.u16("version", version);
            if (clientId < 1) {
                throw new IllegalArgumentException("clientId must be 1 to " + Long.MAX_VALUE + ": " + clientId);
            }
            Objects.requireNonNull(serverName, "serverName");
            Objects.requireNonNull(serverVersion, "serverVersion");
            Checks.notNegative("maxPayload", maxPayload);
            Checks.notNegative("queueBytes", queueBytes);
            Checks.notNegative("pingIntervalMillis", pingIntervalMillis);
            Checks.notNegative("pingTimeoutMillis", pingTimeoutMillis);
            options = Checks.list("options", options);
        }

        /** The value of the first option named {@code key}, or null if there is none. */
        public String option(String key) {
            return Option.find(options, key);
        }

        @Override
        public FrameType type() {
            return FrameType.WELCOME;
        }
    }

    /** Either way: asks for a PONG that echoes {@code token}, any 64 bits. */
    record Ping(long token) implements ControlFrame {
        @Override
        public FrameType type() {
            return FrameType.PING;
        }
    }

    /** Either way: answers the PING whose {@code token} it echoes. */
    record Pong(long token) implements ControlFrame {
        @Override
        public FrameType type() {
            return FrameType.PONG;
        }
    }

    /**
     * C->S: subscribe to a topic or pattern. {@code epoch} is FROM's epoch (0 = any); {@code value} is FROM's
     * first sequence, LAST's count, SINCE's moment (the server's clock, milliseconds since 1970), and 0 for NEW.
     * Positions are only allowed with a pattern, and each topic must be one the pattern matches.
     */
    record Sub(int subscriptionId, boolean echo, ResumeMode mode, long epoch, long value, String filter,
               List<TopicPosition> positions) implements ControlFrame {
        /** Checks the values; the positions are copied. */
        public Sub {
            Checks.id("subscriptionId", subscriptionId);
            Objects.requireNonNull(mode, "mode");
            Checks.notNegative("epoch", epoch);
            Checks.notNegative("value", value);
            if (mode == ResumeMode.NEW && value != 0) {
                throw new IllegalArgumentException("value must be 0 with mode NEW: " + value);
            }
            Checks.filter("filter", filter);
            positions = Checks.list("positions", positions);
            if (!positions.isEmpty() && !TopicNames.isPattern(filter)) {
                throw new IllegalArgumentException("positions are only allowed with a pattern filter: " + filter);
            }
            for (TopicPosition position : positions) {
                if (!TopicNames.matches(filter, position.topic())) {
                    throw new IllegalArgumentException("position topic '" + position.topic()
                            + "' is not matched by the pattern '" + filter + "'");
                }
            }
        }

        @Override
        public FrameType type() {
            return FrameType.SUB;
        }
    }

    /** C->S: end the subscription {@code subscriptionId}. */
    record Unsub(int subscriptionId) implements ControlFrame {
        /** Checks the id. */
        public Unsub {
            Checks.id("subscriptionId", subscriptionId);
        }

        @Override
        public FrameType type() {
            return FrameType.UNSUB;
        }
    }

    /**
     * S->C: a subscription was made; the topic's epoch and last sequence then. For a pattern: epoch 0, and the
     * server's clock in the last sequence's place ({@link #since()}).
     */
    record Subscribed(int subscriptionId, long epoch, long lastSequence) implements ControlFrame {
        /** Checks the values. */
        public Subscribed {
            Checks.id("subscriptionId", subscriptionId);
            Checks.notNegative("epoch", epoch);
            Checks.notNegative("lastSequence", lastSequence);
        }

        /**
         * For a pattern: the server's clock, in milliseconds since 1970, when the pattern took effect (carried in
         * the last sequence's place). A client resubscribing the pattern asks {@link ResumeMode#SINCE} this
         * moment for the topics it never heard from, so that nothing published to them while it was away is lost.
         */
        public long since() {
            return lastSequence;
        }

        @Override
        public FrameType type() {
            return FrameType.SUBSCRIBED;
        }
    }

    /** C->S: publish {@code payload} (owned: see {@link #release()}) to an exact topic; id 0 asks for no ACK. */
    record Pub(long publishId, String topic, ByteBuf payload) implements ControlFrame {
        /** Checks the values; takes ownership of {@code payload} only once this returns. */
        public Pub {
            Checks.notNegative("publishId", publishId);
            Checks.topic("topic", topic);
            Objects.requireNonNull(payload, "payload");
        }

        @Override
        public FrameType type() {
            return FrameType.PUB;
        }

        @Override
        public void release() {
            payload.release();
        }
    }

    /** S->C: the PUB {@code publishId} (never 0) was taken as {@code sequence} of the topic's {@code epoch}. */
    record Ack(long publishId, long epoch, long sequence) implements ControlFrame {
        /** Checks the values. */
        public Ack {
            if (publishId < 1) {
                throw new IllegalArgumentException("publishId must be 1 to " + Long.MAX_VALUE + ": " + publishId);
            }
            Checks.notNegative("epoch", epoch);
            Checks.notNegative("sequence", sequence);
        }

        @Override
        public FrameType type() {
            return FrameType.ACK;
        }
    }

    /** S->C: one message of a subscription, with its {@code payload} (owned: see {@link #release()}). */
    record Msg(int subscriptionId, long epoch, long sequence, long publishedAtMillis, String topic,
               ByteBuf payload) implements ControlFrame {
        /** Checks the values; takes ownership of {@code payload} only once this returns. */
        public Msg {
            Checks.id("subscriptionId", subscriptionId);
            Checks.notNegative("epoch", epoch);
            Checks.notNegative("sequence", sequence);
            Checks.notNegative("publishedAtMillis", publishedAtMillis);
            Checks.topic("topic", topic);
            Objects.requireNonNull(payload, "payload");
        }

        @Override
        public FrameType type() {
            return FrameType.MSG;
        }

        @Override
        public void release() {
            payload.release();
        }
    }

    /** S->C: messages {@code firstMissing..lastMissing} of a topic will never come; what is held now. */
    record Gap(int subscriptionId, GapCause cause, long epoch, long firstMissing, long lastMissing,
               long firstHeld, long lastHeld, String topic) implements ControlFrame {
        /** Checks the values. */
        public Gap {
            Checks.id("subscriptionId", subscriptionId);
            Objects.requireNonNull(cause, "cause");
            Checks.notNegative("epoch", epoch);
            Checks.notNegative("firstMissing", firstMissing);
            Checks.notNegative("lastMissing", lastMissing);
            Checks.notNegative("firstHeld", firstHeld);
            Checks.notNegative("lastHeld", lastHeld);
            Checks.topic("topic", topic);
        }

        @Override
        public FrameType type() {
            return FrameType.GAP;
        }
    }

    /** S->C: the topic's epoch is no longer the client's; what the new epoch holds. */
    record Reset(int subscriptionId, long clientEpoch, long epoch, long firstHeld, long lastHeld, String topic)
            implements ControlFrame {
        /** Checks the values. */
        public Reset {
            Checks.id("subscriptionId", subscriptionId);
            Checks.notNegative("clientEpoch", clientEpoch);
            Checks.notNegative("epoch", epoch);
            Checks.notNegative("firstHeld", firstHeld);
            Checks.notNegative("lastHeld", lastHeld);
            Checks.topic("topic", topic);
        }

        @Override
        public FrameType type() {
            return FrameType.RESET;
        }
    }

    /** S->C: something was refused; {@code ref} names the PUB or subscription, or is 0 for {@code NONE}. */
    record Error(ErrorCode code, RefKind refKind, long ref, String text) implements ControlFrame {
        /** Checks the values: the reference must fit its kind. */
        public Error {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(refKind, "refKind");
            Objects.requireNonNull(text, "text");
            boolean fits = switch (refKind) {
                case NONE -> ref == 0;
                case PUBLISH_ID -> ref >= 1;
                case SUBSCRIPTION_ID -> ref >= 1 && ref <= Integer.MAX_VALUE;
            };
            if (!fits) {
                throw new IllegalArgumentException("ref " + ref + " does not fit the reference kind " + refKind);
            }
        }

        @Override
        public FrameType type() {
            return FrameType.ERROR;
        }
    }

    /** Either way: the sender is closing the connection, for {@code reason}. */
    record Goodbye(GoodbyeReason reason, String text) implements ControlFrame {
        /** Checks the values. */
        public Goodbye {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(text, "text");
        }

        @Override
        public FrameType type() {
            return FrameType.GOODBYE;
        }
    }
}
