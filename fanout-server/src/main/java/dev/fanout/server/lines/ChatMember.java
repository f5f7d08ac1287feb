package dev.fanout.server.lines;

import dev.fanout.hub.Subscriber;
import dev.fanout.hub.Topic;
import dev.fanout.server.session.CloseReason;
import dev.fanout.server.session.Session;
import dev.fanout.server.session.SessionSubscriber;

/**
 * A lines client as the chat sees it: a person or script, in one room at a time, whose session is the
 * connection. Loop-confined.
 */
final class ChatMember {

    /**
     * Rooms larger than this hear no join, leave or rename notices: with thousands of members, each arrival
     * telling everyone would flood every client (IRC servers quiet large channels for the same reason).
     */
    static final int ANNOUNCE_LIMIT = 200;

    private final Session session;
    private Topic room;

    /** The member whose connection is {@code session}; it says goodbye to its room when the session closes. */
    ChatMember(Session session) {
        this.session = session;
        session.onClosing(this::leaving);
    }

    Session session() {
        return session;
    }

    String name() {
        return session.name();
    }

    /** Shows {@code text} to this member as a notice. */
    void notice(String text) {
        session.notice(text);
    }

    /** The room it is in, or null before it joined one. */
    Topic room() {
        return room;
    }

    /**
     * Leaves the current room (telling those left behind) and joins {@code name} (telling those there).
     *
     * @throws dev.fanout.hub.TooManyTopicsException if the room is new and the server is at its limit
     */
    void join(String name) {
        Topic previous = room;
        room = session.subscribe(name);
        if (previous != null) {
            session.unsubscribe(previous);
            tellRoom(previous, name() + " left " + previous.name() + " for " + name);
        }
        tellRoom(room, name() + " joined " + name);
    }

    private void leaving(CloseReason reason) {
        if (room != null) {
            boolean ownChoice = reason == CloseReason.CLIENT_CLOSED || reason == CloseReason.CLIENT_QUIT;
            tellRoom(room, name() + " left" + (ownChoice ? "" : " (" + reason.description() + ")"));
        }
    }

    /**
     * Sends a notice to every other member of {@code topic}; skipped in rooms above
     * {@link #ANNOUNCE_LIMIT} members, where every join telling everyone would cost the square of the room.
     */
    void tellRoom(Topic topic, String text) {
        if (topic.subscriberCount() > ANNOUNCE_LIMIT) {
            return;
        }
        for (Subscriber member : topic.subscribers()) {
            if (member instanceof SessionSubscriber other && other.session() != session) {
                other.session().notice(text);
            }
        }
    }
}
