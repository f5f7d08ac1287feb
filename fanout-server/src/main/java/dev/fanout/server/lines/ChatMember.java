package dev.fanout.server.lines;

import dev.fanout.hub.Encoding;
import dev.fanout.hub.Message;
import dev.fanout.hub.Subscriber;
import dev.fanout.hub.Topic;
import dev.fanout.server.session.CloseReason;
import dev.fanout.server.session.Session;
import dev.fanout.server.session.SessionSubscriber;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

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
    private boolean loginPending;
    /** Topics followed with /sub besides the room. */
    private final List<Topic> followed = new ArrayList<>();

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
        unfollow(name);
        room = session.subscribe(name);
        if (previous != null) {
            session.unsubscribe(previous);
            tellRoom(previous, name() + " left " + previous.name() + " for " + name);
        }
        tellRoom(room, name() + " joined " + name);
    }

    /** Whether a /login of this member is being checked: one at a time, so a burst of guesses waits its turn. */
    boolean loginPending() {
        return loginPending;
    }

    void loginPending(boolean value) {
        loginPending = value;
    }

    /** How many topics it follows besides its room. */
    int followed() {
        return followed.size();
    }

    /** Whether it follows {@code topic} besides its room. */
    boolean follows(String topic) {
        return followed.stream().anyMatch(known -> known.name().equals(topic));
    }

    /** Follows {@code topic} besides the room, its lines marked with its name; false if it already does. */
    boolean follow(String topic) {
        for (Topic known : followed) {
            if (known.name().equals(topic)) {
                return false;
            }
        }
        followed.add(session.subscribe(topic, Encoding.LINE_WITH_TOPIC));
        return true;
    }

    /** Stops following {@code topic}; false if it did not. */
    boolean unfollow(String topic) {
        for (Topic known : followed) {
            if (known.name().equals(topic)) {
                followed.remove(known);
                session.unsubscribe(known);
                return true;
            }
        }
        return false;
    }

    /** Shows the last {@code count} messages of the room, oldest first, between two notices. */
    void showHistory(int count) {
        Topic shown = room;
        shown.state().thenCompose(state -> shown.read(Math.max(state.first(), state.last() - count + 1), count,
                        Long.MAX_VALUE))
                .whenComplete((messages, failure) -> session.eventLoop().execute(() -> {
                    if (failure != null) {
                        notice("error: the history of " + shown.name() + " could not be read: " + failure.getMessage());
                        return;
                    }
                    try {
                        notice(messages.isEmpty() ? "no messages of " + shown.name() + " are held"
                                : "the last " + messages.size() + " messages of " + shown.name() + ":");
                        for (Message message : messages) {
                            ByteBuf line = session.channel().alloc().directBuffer();
                            Encoding.LINE.writeTo(message, line);
                            session.send(line);
                        }
                        if (!messages.isEmpty()) {
                            notice("end of history");
                        }
                    } finally {
                        messages.forEach(Message::release);
                    }
                }));
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
