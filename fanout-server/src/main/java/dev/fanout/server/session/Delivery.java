package dev.fanout.server.session;

/**
 * Told when the queue drops a write of published messages it was given (the drop-oldest policy), with the
 * sequence range the write held, so that a protocol that numbers messages can tell its client exactly which.
 */
public interface Delivery {

    /**
     * A write was dropped: its client will not get its {@code messages} messages, numbered within
     * {@code firstSequence} to {@code lastSequence} of one topic. On the session's loop.
     */
    void dropped(int messages, long firstSequence, long lastSequence);
}
