package dev.fanout.server.session;

/**
 * What a queued write of published messages was, told back if the queue drops it (the drop-oldest policy), so
 * that a protocol that numbers messages can tell its client exactly which.
 */
public interface Delivery {

    /** The write was dropped: its client will not get its {@code messages} messages. On the session's loop. */
    void dropped(int messages);
}
