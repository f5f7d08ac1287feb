package dev.fanout.server.lines;

import dev.fanout.hub.Encoding;
import dev.fanout.hub.Origin;
import dev.fanout.hub.Subscriber;
import dev.fanout.hub.Topic;
import dev.fanout.protocol.line.Lines;
import dev.fanout.server.session.Protocol;
import dev.fanout.server.session.Session;
import dev.fanout.server.session.SessionContext;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

/** A lines client: a person or script, in one room at a time. Loop-confined except where Session says. */
final class LinesSession extends Session {

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

    @Override
    protected ByteBuf encodeText(Origin from, String text) {
        String line = from.equals(Origin.OPERATOR) ? "[operator] " + text : "[private] " + from.name() + ": " + text;
        return Lines.encode(channel().alloc(), line);
    }

    @Override
    protected ByteBuf encodeNotice(String text) {
        return Lines.encode(channel().alloc(), "*** " + text);
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

    /** Sends a notice to every other member of {@code topic}. */
    void tellRoom(Topic topic, String text) {
        for (Subscriber member : topic.subscribers()) {
            if (member != this && member instanceof Session other) {
                other.notice(text);
            }
        }
    }
}
