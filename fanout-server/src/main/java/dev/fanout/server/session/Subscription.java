package dev.fanout.server.session;

import dev.fanout.hub.Topic;

/**
 * One of a session's subscriptions, as the session sees it: something to end when the client asks or the
 * session closes, and to tell when the session's queue has emptied. What the hub delivers to are
 * {@link SessionSubscriber}s: a plain subscription is one itself, a control subscription has one per topic it
 * covers.
 */
public interface Subscription {

    /** The session it belongs to. */
    Session session();

    /** The topic it receives, or null for one that covers several (a pattern). */
    Topic topic();

    /** Stops it: it leaves its topics and receives nothing more. Idempotent; on the session's loop. */
    void cancel();

    /** The session's queue has emptied: the moment to report drops or go on replaying. On the session's loop. */
    default void caughtUp() {
    }
}
