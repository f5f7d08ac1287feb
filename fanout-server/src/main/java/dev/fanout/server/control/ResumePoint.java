package dev.fanout.server.control;

import dev.fanout.hub.TopicState;
import dev.fanout.protocol.control.ResumeMode;

/**
 * Where a client wants a topic's stream to start, as its SUB said, and the rule that turns it into the first
 * sequence to send once the topic's state is known: a position of another epoch is told RESET and gets
 * everything held; one older than what is held is told GAP and gets the oldest held; one beyond the last gets
 * only new messages.
 *
 * @param mode  new only, from a position, or the last few
 * @param epoch with {@link ResumeMode#FROM}: the epoch the position belongs to, 0 for any
 * @param value with {@link ResumeMode#FROM}: the first sequence wanted; with {@link ResumeMode#LAST}: how many
 */
record ResumePoint(ResumeMode mode, long epoch, long value) {

    /** Everything a topic holds, whatever its epoch: what a pattern gets of a topic that appears after it. */
    static final ResumePoint EVERYTHING = new ResumePoint(ResumeMode.FROM, 0, 1);

    /** The first sequence to send; tells the client through {@code feed} if it cannot have what it asked. */
    long firstWanted(TopicState state, TopicFeed feed) {
        return switch (mode) {
            case NEW -> state.last() + 1;
            case LAST -> Math.max(state.first(), state.last() - value + 1);
            case FROM -> from(state, feed);
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
}
