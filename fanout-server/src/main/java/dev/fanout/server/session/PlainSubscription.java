package dev.fanout.server.session;

import dev.fanout.hub.Batch;
import dev.fanout.hub.MessageForm;
import dev.fanout.hub.Topic;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;

/**
 * A raw frames or lines client's subscription to one topic: each batch goes to the session's queue in the
 * session's wire form, without the client's own messages. Loop-confined.
 */
final class PlainSubscription implements Subscription, SessionSubscriber {

    private final Session session;
    /** Fixed at the start: a frames client that enters control mode gets its last raw frames in raw form. */
    private final MessageForm form;
    private Topic topic;

    PlainSubscription(Session session, MessageForm form) {
        this.session = session;
        this.form = form;
    }

    void subscribe(String name) {
        topic = session.context().hub().subscribe(name, this);
    }

    @Override
    public Session session() {
        return session;
    }

    @Override
    public Topic topic() {
        return topic;
    }

    @Override
    public long id() {
        return session.id();
    }

    @Override
    public String name() {
        return session.name();
    }

    @Override
    public EventLoop eventLoop() {
        return session.eventLoop();
    }

    @Override
    public int deliver(Batch batch) {
        ByteBuf bytes = batch.encodedFor(form, session.id());
        if (bytes == null) {
            return 0;
        }
        try {
            int messages = batch.sizeFor(session.id());
            session.offer(bytes, messages, batch.sharedBytes(form), null, 0, 0);
            return messages;
        } finally {
            bytes.release();
        }
    }

    @Override
    public void endOfBatch() {
        session.endOfBatch();
    }

    @Override
    public void cancel() {
        if (topic != null) {
            session.context().hub().unsubscribe(topic, this);
        }
    }

    @Override
    public String toString() {
        return session + " on " + (topic == null ? "?" : topic.name());
    }
}
