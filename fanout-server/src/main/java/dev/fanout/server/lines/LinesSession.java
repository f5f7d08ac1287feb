package dev.fanout.server.lines;

import dev.fanout.hub.Encoding;
import dev.fanout.hub.Origin;
import dev.fanout.hub.Subscriber;
import dev.fanout.hub.Topic;
import dev.fanout.protocol.line.Lines;
import dev.fanout.protocol.line.SafeText;
import dev.fanout.server.session.CloseReason;
import dev.fanout.server.session.Protocol;
import dev.fanout.server.session.Session;
import dev.fanout.server.session.SessionContext;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

/** A lines client: a person or script, in one room at a time. Loop-confined except where Session says. */
final class LinesSession extends Session {

    /**
     * Rooms larger than this hear no join, leave or rename notices: with thousands of members, each arrival
     * telling everyone would flood every client (IRC servers quiet large channels for the same reason).
     */
    static final int ANNOUNCE_LIMIT = 200;

    /** Loop-confined. */
    private Topic room;

    LinesSession(long id, Channel channel, SessionContext context) {
        super(id, channel, context);
    }

    @Override
    public Protocol protocol() {
        return Protocol.LINES;
    }

    @Override
    protected Encoding encoding() {
        return Encoding.LINE;
    }

    /** Escaped as published messages are (SafeText): private text must not hide or reorder what the reader sees. */
    @Override
    protected ByteBuf encodeText(Origin from, String text) {
        String line = from.equals(Origin.OPERATOR) ? "[operator] " + text : "[private] " + from.name() + ": " + text;
        return Lines.encode(channel().alloc(), SafeText.escape(line));
    }

    /** Escaped too: some notices quote what a client or the operator typed. */
    @Override
    protected ByteBuf encodeNotice(String text) {
        return Lines.encode(channel().alloc(), "*** " + SafeText.escape(text));
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
        room = subscribe(name);
        if (previous != null) {
            unsubscribe(previous);
            tellRoom(previous, name() + " left " + previous.name() + " for " + name);
        }
        tellRoom(room, name() + " joined " + name);
    }

    @Override
    protected void onClosing(CloseReason reason) {
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
            if (member != this && member instanceof Session other) {
                other.notice(text);
            }
        }
    }
}
