package dev.fanout.client;

import dev.fanout.protocol.control.ControlFrame;
import dev.fanout.protocol.control.GapCause;
import dev.fanout.protocol.control.ResumeMode;
import dev.fanout.protocol.control.TopicNames;
import dev.fanout.protocol.control.TopicPosition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where one subscription stands in each of its topics: the epoch and the last sequence it accepted. From that
 * it decides what to do with each MSG (deliver it, drop a duplicate, or call a hole that must be filled), turns
 * GAP and RESET frames into the events the application sees, and writes the SUB that resumes the subscription
 * after the last message accepted. Pure logic, no I/O; confined to the client's I/O thread.
 */
final class TopicCursors {

    /** What to do with a MSG. */
    enum Verdict {
        /** The next message of its topic: hand it to the application. */
        DELIVER,
        /** Already accepted (a replay overlapping what was delivered): drop it. */
        DUPLICATE,
        /** Messages before it are missing and nothing said why: subscribe again from the last accepted + 1. */
        HOLE
    }

    /** Tells the caller to subscribe again to fill a hole, rather than report anything. */
    static final Object REFILL = new Object();

    private final String filter;
    private final boolean pattern;
    private final SubscribeOptions start;
    private final Map<String, Cursor> cursors = new HashMap<>();
    /**
     * A pattern's moment on the server's clock when it first took effect, 0 until its first SUBSCRIBED: what it
     * resumes the topics it never heard from with, since none of their messages from then on reached it.
     */
    private long since;

    TopicCursors(String filter, SubscribeOptions start) {
        this.filter = filter;
        this.pattern = TopicNames.isPattern(filter);
        this.start = start;
        if (!pattern && start.mode() == ResumeMode.FROM) {
            cursors.put(filter, new Cursor(start.epoch(), start.value() - 1, true));
        }
        start.positions().forEach((topic, next) ->
                cursors.put(topic, new Cursor(next.epoch(), Math.max(0, next.sequence() - 1), true)));
    }

    /**
     * The SUB that (re)starts the subscription under {@code id}: from the start options for what it has not
     * seen (a pattern that was in effect once: since that moment), from the last accepted + 1 for what it has.
     * Always with ECHO: without it the server leaves this client's own messages out, and the numbering would have
     * holes that could not be told from losses.
     */
    ControlFrame.Sub sub(int id) {
        if (!pattern) {
            Cursor cursor = cursors.get(filter);
            if (cursor != null) {
                return new ControlFrame.Sub(id, true, ResumeMode.FROM, cursor.epoch, cursor.last + 1, filter,
                        List.of());
            }
            return new ControlFrame.Sub(id, true, start.mode(), start.epoch(), start.value(), filter, List.of());
        }
        List<TopicPosition> positions = new ArrayList<>(cursors.size());
        cursors.forEach((topic, cursor) -> positions.add(new TopicPosition(topic, cursor.epoch, cursor.last + 1)));
        if (since > 0) {
            return new ControlFrame.Sub(id, true, ResumeMode.SINCE, 0, since, filter, positions);
        }
        return new ControlFrame.Sub(id, true, start.mode(), start.epoch(), start.value(), filter, positions);
    }

    /**
     * The server confirmed the subscription: for a topic, its epoch and last sequence then; for a pattern, the
     * moment it took effect, of which the first is kept ({@link ControlFrame.Subscribed#since()}).
     */
    void subscribed(ControlFrame.Subscribed frame) {
        if (pattern) {
            if (since == 0) {
                // A pattern asked since an earlier moment keeps that one: its unheard topics owe it from then on.
                since = start.mode() == ResumeMode.SINCE ? Math.min(start.value(), frame.since()) : frame.since();
            }
            return;
        }
        long epoch = frame.epoch();
        long last = frame.lastSequence();
        Cursor cursor = cursors.get(filter);
        if (cursor == null) {
            if (start.mode() == ResumeMode.NEW) {
                // Epoch 0: a relay that has not yet brought its upstream's numbering; the first message sets it.
                cursors.put(filter, new Cursor(epoch, last, epoch != 0));
            } else if (start.mode() == ResumeMode.SINCE) {
                // Where the moment falls is the server's to find: take the first message as it comes.
                cursors.put(filter, new Cursor(epoch, 0, false));
            } else if (start.mode() == ResumeMode.LAST) {
                // The replay starts at the oldest held of the last K, which may be later: take the first as it is.
                cursors.put(filter, new Cursor(epoch, Math.max(0, last - start.value()), false));
            }
            return;
        }
        if (cursor.epoch == 0 || cursor.epoch == epoch) {
            cursor.epoch = epoch;
            // Asked past the end (the server lost its newest), the server sends from its last + 1, as it says.
            cursor.last = Math.min(cursor.last, last);
        }
        // Another epoch: a RESET follows.
    }

    /** Decides about one MSG; a message delivered becomes the topic's last accepted. */
    Verdict message(String topic, long epoch, long sequence) {
        Cursor cursor = cursors.get(topic);
        if (cursor == null) {
            // A topic not seen before (a pattern's, or the last K's): its first message starts it.
            cursors.put(topic, new Cursor(epoch, sequence, true));
            return Verdict.DELIVER;
        }
        if (cursor.epoch == 0) {
            cursor.epoch = epoch;
        }
        if (epoch != cursor.epoch) {
            // A new epoch with no RESET before it: asking again from where we are makes the server say RESET.
            return Verdict.HOLE;
        }
        if (sequence <= cursor.last) {
            return Verdict.DUPLICATE;
        }
        if (sequence == cursor.last + 1 || !cursor.strict) {
            cursor.last = sequence;
            cursor.strict = true;
            return Verdict.DELIVER;
        }
        return Verdict.HOLE;
    }

    /**
     * Decides about a GAP: a {@link GapEvent} to report (the part not seen before), {@link #REFILL} to
     * subscribe again (messages the server dropped for a slow reader may still be in its history), or null
     * when it says nothing new.
     */
    Object gap(ControlFrame.Gap gap) {
        Cursor cursor = cursors.get(gap.topic());
        if (cursor == null) {
            cursor = new Cursor(gap.epoch(), Math.max(0, gap.firstMissing() - 1), true);
            cursors.put(gap.topic(), cursor);
        }
        if (cursor.epoch == 0) {
            cursor.epoch = gap.epoch();
        }
        if (cursor.epoch != gap.epoch() || gap.lastMissing() <= cursor.last) {
            return null;
        }
        if (gap.cause() == GapCause.DROPPED || gap.firstMissing() > cursor.last + 1) {
            return REFILL;
        }
        long from = cursor.last + 1;
        cursor.last = gap.lastMissing();
        cursor.strict = true;
        return new GapEvent(gap.topic(), gap.epoch(), from, gap.lastMissing(), GapCause.HISTORY);
    }

    /** A RESET: the topic goes on in its new epoch from its first held message. */
    ResetEvent reset(ControlFrame.Reset reset) {
        Cursor cursor = cursors.get(reset.topic());
        long old = cursor == null || cursor.epoch == 0 ? reset.clientEpoch() : cursor.epoch;
        cursors.put(reset.topic(), new Cursor(reset.epoch(), Math.max(0, reset.firstHeld() - 1), true));
        return new ResetEvent(reset.topic(), old, reset.epoch(), reset.firstHeld(), reset.lastHeld());
    }

    /** One topic's place. */
    private static final class Cursor {
        /** 0 until known (a start "from any epoch"). */
        long epoch;
        long last;
        /** False until the first message: a start whose first sequence cannot be known takes it as it is. */
        boolean strict;

        Cursor(long epoch, long last, boolean strict) {
            this.epoch = epoch;
            this.last = last;
            this.strict = strict;
        }
    }
}
