package dev.fanout.server.session;

import dev.fanout.hub.Subscriber;

/** A topic's subscriber that belongs to a client session: what listings count as people or programs. */
public interface SessionSubscriber extends Subscriber {

    /** The session it delivers to. */
    Session session();
}
