package dev.fanout.server.session;

import dev.fanout.hub.Origin;
import java.util.List;

/**
 * What the operator may do to clients, from the console or over HTTP: speak to one client, speak to every chat
 * client, disconnect a client with a reason. Each says what came of it; the caller puts that in its own words.
 * Thread-safe.
 */
public final class OperatorActions {

    /** What came of an action on one client. */
    public enum Outcome {
        /** Done. */
        DONE,
        /** No client has that id, or it has gone. */
        NO_CLIENT,
        /** The client speaks control mode, which has no frame for text: nothing was sent. */
        NO_TEXT
    }

    private final SessionRegistry registry;

    public OperatorActions(SessionRegistry registry) {
        this.registry = registry;
    }

    /** The live client with {@code id}, or null. */
    public Session find(long id) {
        Session session = registry.find(id);
        return session == null || session.isClosed() ? null : session;
    }

    /** Sends {@code text} to client {@code id} alone (a raw frames client gets it as one frame). */
    public Outcome sayTo(long id, String text) {
        Session target = find(id);
        if (target == null) {
            return Outcome.NO_CLIENT;
        }
        if (target.protocol() == Protocol.CONTROL) {
            return Outcome.NO_TEXT;
        }
        target.sendText(Origin.OPERATOR, text);
        return Outcome.DONE;
    }

    /**
     * Sends {@code text} to every chat (lines) client and returns how many: frames clients are programs reading a
     * stream, which a chat line would corrupt.
     */
    public int sayToAll(String text) {
        List<Session> people = registry.all().stream().filter(s -> s.protocol() == Protocol.LINES).toList();
        people.forEach(s -> s.sendText(Origin.OPERATOR, text));
        return people.size();
    }

    /** Disconnects client {@code id}, telling it why ({@code reason} may be null). */
    public Outcome kick(long id, String reason) {
        Session target = find(id);
        if (target == null) {
            return Outcome.NO_CLIENT;
        }
        target.close(CloseReason.KICKED, reason);
        return Outcome.DONE;
    }
}
