package dev.fanout.client;

import dev.fanout.protocol.control.ResumeMode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where a subscription starts, and how much it may buffer for a slow application. Immutable; start from
 * {@link #newOnly()}, {@link #last(long)}, {@link #from(long, long)} or {@link #fromSequence(long)} and adjust
 * with the {@code with...} methods, which return a copy.
 *
 * <p>The start applies to the first subscribe only. After a reconnect, or when the library has to fill a hole,
 * every subscription resumes after the last message it delivered, whatever it started with.
 */
public final class SubscribeOptions {

    private static final SubscribeOptions NEW_ONLY = new SubscribeOptions(ResumeMode.NEW, 0, 0, Map.of(), 0, 0);

    private final ResumeMode mode;
    private final long epoch;
    private final long value;
    private final Map<String, Position> positions;
    private final int bufferMessages;
    private final long bufferBytes;

    private SubscribeOptions(ResumeMode mode, long epoch, long value, Map<String, Position> positions,
                             int bufferMessages, long bufferBytes) {
        this.mode = mode;
        this.epoch = epoch;
        this.value = value;
        this.positions = positions;
        this.bufferMessages = bufferMessages;
        this.bufferBytes = bufferBytes;
    }

    /** Only messages published from now on: the default. */
    public static SubscribeOptions newOnly() {
        return NEW_ONLY;
    }

    /**
     * The last {@code count} messages the server holds of each topic, then new ones.
     *
     * @throws IllegalArgumentException if {@code count} is negative
     */
    public static SubscribeOptions last(long count) {
        if (count < 0) {
            throw new IllegalArgumentException("last (" + count + ") must not be negative");
        }
        return new SubscribeOptions(ResumeMode.LAST, 0, count, Map.of(), 0, 0);
    }

    /**
     * From the message at {@code sequence} of {@code epoch} on. If the topic's epoch is another, the
     * subscription reports a {@link ResetEvent} and starts from the oldest message held; if the server no
     * longer holds {@code sequence}, a {@link GapEvent} and the oldest held.
     *
     * @throws IllegalArgumentException if {@code epoch} is negative or {@code sequence} below 1
     */
    public static SubscribeOptions from(long epoch, long sequence) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch (" + epoch + ") must not be negative");
        }
        if (sequence < 1) {
            throw new IllegalArgumentException("sequence (" + sequence + ") must be at least 1");
        }
        return new SubscribeOptions(ResumeMode.FROM, epoch, sequence, Map.of(), 0, 0);
    }

    /** From {@code position} on; see {@link #from(long, long)}. */
    public static SubscribeOptions from(Position position) {
        return from(position.epoch(), position.sequence());
    }

    /**
     * What each topic published at or after {@code moment} (by the server's clock, as {@link Message#publishedAt}
     * shows it), then new ones. If the server no longer holds some of it, a {@link GapEvent} first.
     *
     * @throws IllegalArgumentException if {@code moment} is before 1970
     */
    public static SubscribeOptions since(Instant moment) {
        long millis = moment.toEpochMilli();
        if (millis < 0) {
            throw new IllegalArgumentException("moment (" + moment + ") must not be before 1970");
        }
        return new SubscribeOptions(ResumeMode.SINCE, 0, millis, Map.of(), 0, 0);
    }

    /** From {@code sequence} on, in whatever epoch the topic has ({@code fanout sub --from SEQ}). */
    public static SubscribeOptions fromSequence(long sequence) {
        return from(0, sequence);
    }

    /**
     * For a pattern subscription: per-topic starting points (the next sequence wanted of each topic), which
     * override the start for those topics. Each topic must be an exact topic the pattern matches.
     */
    public SubscribeOptions withPositions(Map<String, Position> next) {
        Map<String, Position> copy = new LinkedHashMap<>();
        next.forEach((topic, position) -> copy.put(Objects.requireNonNull(topic, "topic"),
                Objects.requireNonNull(position, "position")));
        return new SubscribeOptions(mode, epoch, value, Map.copyOf(copy), bufferMessages, bufferBytes);
    }

    /**
     * Bounds this subscription's buffer of messages not yet handed to the application, instead of the client's
     * defaults ({@link ClientOptions#bufferMessages()}, {@link ClientOptions#bufferBytes()}).
     *
     * @throws IllegalArgumentException if either is below 1
     */
    public SubscribeOptions withBuffer(int maxMessages, long maxBytes) {
        if (maxMessages < 1) {
            throw new IllegalArgumentException("buffer messages (" + maxMessages + ") must be at least 1");
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("buffer bytes (" + maxBytes + ") must be at least 1");
        }
        return new SubscribeOptions(mode, epoch, value, positions, maxMessages, maxBytes);
    }

    /** How the first subscribe starts. */
    public ResumeMode mode() {
        return mode;
    }

    /** With {@link ResumeMode#FROM}: the epoch of the start, 0 for any. */
    public long epoch() {
        return epoch;
    }

    /** With {@link ResumeMode#FROM}: the first sequence wanted; with {@link ResumeMode#LAST}: how many. */
    public long value() {
        return value;
    }

    /** Per-topic starting points of a pattern subscription; empty unless set. */
    public Map<String, Position> positions() {
        return positions;
    }

    /** The buffer's bound in messages; 0 means the client's default. */
    public int bufferMessages() {
        return bufferMessages;
    }

    /** The buffer's bound in payload bytes; 0 means the client's default. */
    public long bufferBytes() {
        return bufferBytes;
    }

    @Override
    public String toString() {
        return switch (mode) {
            case NEW -> "new only";
            case LAST -> "last " + value;
            case FROM -> "from " + (epoch == 0 ? "any epoch" : "epoch " + epoch) + ", sequence " + value;
            case SINCE -> "since " + Instant.ofEpochMilli(value);
        };
    }
}
