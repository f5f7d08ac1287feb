package dev.fanout.server.control;

import dev.fanout.hub.Topic;
import dev.fanout.hub.TopicState;
import dev.fanout.protocol.control.ResumeMode;

/**
 * Where a client wants a topic's stream to start, as its SUB said, and the rule that turns it into the first
 * sequence to send once the topic's state is known: a position of another epoch is told RESET and gets
 * everything held; one older than what is held is told GAP and gets the oldest held; one beyond the last gets
 * only new messages.
 *
 * <p>A start {@link ResumeMode#SINCE} a moment is first looked up in history ({@link #isMoment()}), which turns
 * it into a start from the sequence found ({@link #fromSequence}).
 *
 * @param mode  new only, from a position, the last few, or since a moment
 * @param epoch with {@link ResumeMode#FROM}: the epoch the position belongs to, 0 for any
 * @param value with {@link ResumeMode#FROM}: the first sequence wanted; with {@link ResumeMode#LAST}: how many;
 *              with {@link ResumeMode#SINCE}: the moment, in milliseconds since 1970
 */
record ResumePoint(ResumeMode mode, long epoch, long value) {

    /** Everything a topic holds, whatever its epoch: what a pattern gets of a topic that appears after it. */
    static final ResumePoint EVERYTHING = new ResumePoint(ResumeMode.FROM, 0, 1);

    /** A start from {@code sequence} of the topic's current epoch. */
    static ResumePoint fromSequence(long sequence) {
        return new ResumePoint(ResumeMode.FROM, 0, sequence);
    }

    /** Whether this start is a moment, to look up in history before {@link #firstWanted} can say anything. */
    boolean isMoment() {
        return mode == ResumeMode.SINCE;
    }

    /**
     * The first sequence to send; tells the client through {@code feed} if it cannot have what it asked.
     *
     * @throws IllegalStateException for a moment, which must be looked up first
     */
    long firstWanted(TopicState state, TopicFeed feed) {
        return switch (mode) {
            case NEW -> state.last() + 1;
            case LAST -> Math.max(state.first(), state.last() - value + 1);
            case FROM -> from(state, feed);
            case SINCE -> throw new IllegalStateException("a start since a moment is looked up in history first");
        };
    }

    private long from(TopicState state, TopicFeed feed) {
        if (epoch != 0 && epoch != state.epoch()) {
            feed.reset(epoch, state);
            return state.first();
        }
        if (value < state.first()) {
            feed.gap(value, state);
            return state.first();
        }
        // A position past the last (the history lost its newest messages): new messages only.
        return Math.min(value, state.last() + 1);
    }

    /**
     * Whether the client, resuming a topic that mirrors a relay's upstream, should wait for the relay rather than
     * be answered now: from another epoch than the topic has while it has heard nothing from its relay since it
     * was made (after a restart, its history is still to come: see {@link Topic#awaitsMirror}), or from past the
     * last the topic holds (the relay is behind the server the client came from).
     */
    boolean awaitsMirror(TopicState state, Topic topic) {
        if (mode != ResumeMode.FROM || !topic.isMirrored()) {
            return false;
        }
        if (epoch != 0 && epoch != state.epoch()) {
            return topic.awaitsMirror();
        }
        return value > state.last() + 1;
    }
}
