package dev.fanout.protocol.control;

import dev.fanout.protocol.frame.Frames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * Encodes and decodes control-mode frames (protocol version {@value #VERSION}); {@code docs/protocol.md}
 * has the byte layouts. Stateless and thread-safe.
 *
 * <p>A frame on the wire is the frames protocol's 4-byte length, then a body that starts with the
 * {@linkplain FrameType type byte}. {@link #decode} takes a body (what {@link dev.fanout.protocol.frame.FrameDecoder}
 * emits); {@link #encode}, {@link #writeMsg} and {@link #writePub} produce whole frames, length included.
 */
public final class ControlCodec {

    /** The protocol version this codec speaks. */
    public static final int VERSION = 1;

    /**
     * The magic that follows the type byte of HELLO and WELCOME, in ASCII: {@code 66 61 6E 6F 75 74 0A}. On
     * WELCOME it lets a client tell the server's first control frame from raw frames of the default topic that
     * were already on their way before the server read the HELLO.
     */
    public static final String MAGIC = "fanout\n";

    /** The bytes {@link #isHello} looks at: HELLO's type byte and the magic. */
    public static final int HELLO_PREFIX_BYTES = 1 + 7;

    /** The longest str: its length is a u16. */
    public static final int MAX_STR_BYTES = 0xFFFF;

    /**
     * An upper bound of the bytes of a PUB or MSG body that are not payload, so a receiver that allows
     * payloads of up to {@code maxPayload} bytes can allow bodies of up to {@code maxPayload + MAX_HEADER_BYTES}.
     * Today's largest is a MSG's 286 bytes (type 1, id 4, epoch, sequence and time 8 each, topic length 2,
     * topic at most 255); a PUB's is 266. 1 KiB leaves room for fields a later version may add, and is still
     * a rounding error next to any sensible payload limit.
     */
    public static final int MAX_HEADER_BYTES = 1024;

    private static final byte[] MAGIC_BYTES = MAGIC.getBytes(StandardCharsets.US_ASCII);
    /** A MSG frame's bytes apart from its topic and payload: length, type, id, epoch, sequence, time, topic length. */
    private static final int MSG_FIXED_BYTES = Frames.LENGTH_BYTES + 1 + 4 + 8 + 8 + 8 + 2;
    /** A PUB frame's bytes apart from its topic and payload: length, type, publish id, topic length. */
    private static final int PUB_FIXED_BYTES = Frames.LENGTH_BYTES + 1 + 8 + 2;

    private ControlCodec() {
    }

    /**
     * Whether {@code body} starts with HELLO's type byte and magic; its indices are not moved. A body that
     * passes may still be a malformed HELLO.
     */
    public static boolean isHello(ByteBuf body) {
        return startsWith(body, FrameType.HELLO);
    }

    /**
     * Whether {@code body} starts with WELCOME's type byte and magic; its indices are not moved. A client skips
     * frames until one does: raw frames may precede it.
     */
    public static boolean isWelcome(ByteBuf body) {
        return startsWith(body, FrameType.WELCOME);
    }

    private static boolean startsWith(ByteBuf body, FrameType type) {
        if (body.readableBytes() < HELLO_PREFIX_BYTES) {
            return false;
        }
        int start = body.readerIndex();
        if (body.getUnsignedByte(start) != type.code()) {
            return false;
        }
        for (int i = 0; i < MAGIC_BYTES.length; i++) {
            if (body.getByte(start + 1 + i) != MAGIC_BYTES[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Decodes exactly one frame body (the bytes after the 4-byte length): all of {@code body}'s readable bytes,
     * without moving its indices. {@code body} is neither retained nor released here. The payload of a
     * {@link ControlFrame.Pub} or {@link ControlFrame.Msg} is a retained slice of {@code body}, which the
     * caller releases with {@link ControlFrame#release()}. Lengths and counts are checked against the bytes
     * present before anything is read or allocated for them. A HELLO of another version than {@link #VERSION}
     * is returned with its version and no options: what follows its version is not read.
     *
     * @throws ControlProtocolException if the body breaks the protocol: {@link ErrorCode#UNKNOWN_TYPE} for an
     *         unknown type byte, {@link ErrorCode#BAD_TOPIC} for a topic or filter that breaks the rules,
     *         {@link ErrorCode#MALFORMED} for anything else; the message names the frame and the field
     */
    public static ControlFrame decode(ByteBuf body) {
        return ControlDecoder.decode(body);
    }

    /**
     * Encodes {@code frame} as one whole wire frame, length prefix included, in a new buffer from
     * {@code alloc} that the caller owns. A payload is copied into it; {@code frame} and its payload are
     * neither released nor changed.
     *
     * @throws IllegalArgumentException if a string is over {@link #MAX_STR_BYTES} bytes of UTF-8
     */
    public static ByteBuf encode(ByteBufAllocator alloc, ControlFrame frame) {
        return ControlEncoder.encode(alloc, frame);
    }

    /** The bytes a whole MSG frame takes, length prefix included, for a topic and payload of these sizes. */
    public static int msgSize(int topicUtf8Length, int payloadLength) {
        if (topicUtf8Length < 0 || payloadLength < 0) {
            throw new IllegalArgumentException("negative size: topic " + topicUtf8Length + ", payload "
                    + payloadLength);
        }
        return Math.addExact(MSG_FIXED_BYTES + topicUtf8Length, payloadLength);
    }

    /**
     * Appends one whole MSG frame, length prefix included, to {@code out}: the same bytes {@link #encode} makes
     * of the equal {@link ControlFrame.Msg}, without making one. For servers that write one message to many
     * subscribers into a shared buffer. {@code payload}'s readable bytes are copied; it is neither released
     * nor changed. The topic's bytes are not checked against the topic rules, only for length: pass those of a
     * topic that was checked (every topic from {@link #decode} was).
     *
     * @throws IllegalArgumentException if the id is not 1 to 2<sup>31</sup>-1, a number is negative, or the
     *         topic is empty or over {@link TopicNames#MAX_TOPIC_BYTES} bytes
     */
    public static void writeMsg(ByteBuf out, int subscriptionId, long epoch, long sequence, long publishedAtMillis,
                                byte[] topicUtf8, ByteBuf payload) {
        Checks.id("subscriptionId", subscriptionId);
        Checks.notNegative("epoch", epoch);
        Checks.notNegative("sequence", sequence);
        Checks.notNegative("publishedAtMillis", publishedAtMillis);
        if (topicUtf8.length == 0 || topicUtf8.length > TopicNames.MAX_TOPIC_BYTES) {
            throw new IllegalArgumentException("topic must be 1 to " + TopicNames.MAX_TOPIC_BYTES + " bytes: "
                    + topicUtf8.length);
        }
        int payloadLength = payload.readableBytes();
        int size = msgSize(topicUtf8.length, payloadLength);
        out.ensureWritable(size);
        out.writeInt(size - Frames.LENGTH_BYTES);
        out.writeByte(FrameType.MSG.code());
        out.writeInt(subscriptionId);
        out.writeLong(epoch).writeLong(sequence).writeLong(publishedAtMillis);
        out.writeShort(topicUtf8.length).writeBytes(topicUtf8);
        out.writeBytes(payload, payload.readerIndex(), payloadLength);
    }

    /** The bytes a whole PUB frame takes, length prefix included, for a topic and payload of these sizes. */
    public static int pubSize(int topicUtf8Length, int payloadLength) {
        if (topicUtf8Length < 0 || payloadLength < 0) {
            throw new IllegalArgumentException("negative size: topic " + topicUtf8Length + ", payload "
                    + payloadLength);
        }
        return Math.addExact(PUB_FIXED_BYTES + topicUtf8Length, payloadLength);
    }

    /**
     * Appends one whole PUB frame, length prefix included, to {@code out}: the same bytes {@link #encode} makes
     * of the equal {@link ControlFrame.Pub}, without making one. For clients that publish many messages into
     * one buffer. {@code payload}'s readable bytes are copied; it is neither released nor changed. As with
     * {@link #writeMsg}, the topic's bytes are checked for length only, not against the topic rules: pass those
     * of a topic that was checked ({@link TopicNames#checkTopic}), or the server answers with BAD_TOPIC.
     *
     * @param publishId 0 for fire-and-forget (no ACK), else the id the ACK or ERROR refers to
     * @throws IllegalArgumentException if the publish id is negative, or the topic is empty or over
     *         {@link TopicNames#MAX_TOPIC_BYTES} bytes
     */
    public static void writePub(ByteBuf out, long publishId, byte[] topicUtf8, ByteBuf payload) {
        Checks.notNegative("publishId", publishId);
        if (topicUtf8.length == 0 || topicUtf8.length > TopicNames.MAX_TOPIC_BYTES) {
            throw new IllegalArgumentException("topic must be 1 to " + TopicNames.MAX_TOPIC_BYTES + " bytes: "
                    + topicUtf8.length);
        }
        int payloadLength = payload.readableBytes();
        int size = pubSize(topicUtf8.length, payloadLength);
        out.ensureWritable(size);
        out.writeInt(size - Frames.LENGTH_BYTES);
        out.writeByte(FrameType.PUB.code());
        out.writeLong(publishId);
        out.writeShort(topicUtf8.length).writeBytes(topicUtf8);
        out.writeBytes(payload, payload.readerIndex(), payloadLength);
    }

    /** The magic's bytes; shared, not to be changed. */
    static byte[] magicBytes() {
        return MAGIC_BYTES;
    }
}
