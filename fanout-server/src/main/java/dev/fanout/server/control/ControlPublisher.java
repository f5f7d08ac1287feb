package dev.fanout.server.control;

import dev.fanout.hub.Broker;
import dev.fanout.hub.Position;
import dev.fanout.hub.PublishId;
import dev.fanout.hub.PublishRefusedException;
import dev.fanout.protocol.control.ControlFrame;
import dev.fanout.protocol.control.ErrorCode;
import dev.fanout.protocol.control.RefKind;
import dev.fanout.server.session.Session;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A control client's PUBs. One with a publish id is published on its own and answered with ACK (the position
 * it was given) or ERROR (why it was refused); a repeat of an id already seen is answered with the first one's
 * position (see {@link dev.fanout.hub.PublishDedup}). PUBs without an id are fire-and-forget: consecutive ones
 * to one topic are published together, as a raw client's burst is, and only a refusal is reported. Either way
 * the order in which the client sent them is the order they are numbered in. Loop-confined.
 */
final class ControlPublisher {

    /** Most fire-and-forget PUBs published in one go. */
    private static final int MAX_BURST = 1024;
    /** PUB's type byte. */
    private static final int PUB_TYPE = 0xA0;
    /** PUB's bytes before its topic: type, publish id, topic length. */
    private static final int PUB_HEADER = 1 + 8 + 2;

    private final ControlHandler handler;
    private final Broker broker;
    private final String identity;
    private final int maxPayload;
    private final List<ByteBuf> burst = new ArrayList<>();
    private String burstTopic;
    /** The burst topic's name in UTF-8, to recognise the next PUB to it without decoding it. */
    private byte[] burstTopicUtf8;

    /**
     * @param identity   who the client is for de-duplication: the same across its reconnects if it said so
     * @param maxPayload the largest payload a PUB may carry: --max-frame
     */
    ControlPublisher(ControlHandler handler, Broker broker, String identity, int maxPayload) {
        this.handler = handler;
        this.broker = broker;
        this.identity = identity;
        this.maxPayload = maxPayload;
    }

    /** Publishes {@code pub}, whose payload it takes over. */
    void publish(ControlFrame.Pub pub) {
        long id = pub.publishId();
        if (pub.payload().readableBytes() > maxPayload) {
            int size = pub.payload().readableBytes();
            pub.release();
            handler.error(ErrorCode.PAYLOAD_TOO_LARGE, id == 0 ? RefKind.NONE : RefKind.PUBLISH_ID, id, "a payload of "
                    + size + " bytes is larger than the server's limit of " + maxPayload + " bytes (--max-frame); "
                    + "split it or ask the operator to raise the limit");
            return;
        }
        if (!pub.topic().equals(burstTopic) && !handler.session().principal().mayPublish(pub.topic())) {
            pub.release();
            handler.error(ErrorCode.FORBIDDEN, id == 0 ? RefKind.NONE : RefKind.PUBLISH_ID, id,
                    handler.session().forbidden("publish to '" + pub.topic() + "'"));
            return;
        }
        if (id == 0) {
            if (!pub.topic().equals(burstTopic)) {
                flush();
                burstTopic = pub.topic();
                burstTopicUtf8 = pub.topic().getBytes(StandardCharsets.UTF_8);
            }
            burst.add(pub.payload());
            if (burst.size() >= MAX_BURST) {
                flush();
            }
            return;
        }
        flush();
        Session session = handler.session();
        session.published(1, pub.payload().readableBytes());
        broker.publish(pub.topic(), pub.payload(), session.origin(), new PublishId(identity, pub.topic(), id))
                .whenComplete((position, failure) -> session.onLoop(() -> answer(id, position, failure)));
    }

    /**
     * Adds {@code body} to the burst without decoding it, if it is a fire-and-forget PUB to the burst's topic with
     * a payload within the limit: the common case of a publisher streaming to one topic, which then costs a
     * slice and no objects besides. False for anything else, which the caller decodes as usual. The body's
     * indices are not moved; the caller keeps its reference.
     */
    boolean appendSameTopic(ByteBuf body) {
        if (burstTopicUtf8 == null) {
            return false;
        }
        int at = body.readerIndex();
        int length = burstTopicUtf8.length;
        int payloadAt = at + PUB_HEADER + length;
        if (body.readableBytes() < PUB_HEADER + length || body.getUnsignedByte(at) != PUB_TYPE
                || body.getLong(at + 1) != 0 || body.getUnsignedShort(at + 9) != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (body.getByte(at + PUB_HEADER + i) != burstTopicUtf8[i]) {
                return false;
            }
        }
        int payload = body.writerIndex() - payloadAt;
        if (payload > maxPayload) {
            return false;
        }
        burst.add(body.retainedSlice(payloadAt, payload));
        if (burst.size() >= MAX_BURST) {
            flush();
        }
        return true;
    }

    /** Publishes the fire-and-forget PUBs waiting: at the end of a read, and before anything else. */
    void flush() {
        if (burst.isEmpty()) {
            return;
        }
        handler.session().published(burst);
        broker.publishAll(burstTopic, burst, handler.session().origin()).whenComplete((position, failure) -> {
            if (failure != null) {
                handler.session().onLoop(() -> answer(0, null, failure));
            }
        });
        burst.clear();
    }

    private void answer(long id, Position position, Throwable failure) {
        if (failure == null) {
            handler.send(new ControlFrame.Ack(id, position.epoch(), position.sequence()));
            return;
        }
        Throwable cause = PublishRefusedException.cause(failure);
        ErrorCode code = ErrorCode.UNAVAILABLE;
        if (cause instanceof PublishRefusedException refused) {
            code = switch (refused.reason()) {
                case TOPIC_LIMIT -> ErrorCode.TOPIC_LIMIT;
                case OUT_OF_ORDER, READ_ONLY -> ErrorCode.NOT_ALLOWED;
                case UNAVAILABLE -> ErrorCode.UNAVAILABLE;
            };
        }
        handler.error(code, id == 0 ? RefKind.NONE : RefKind.PUBLISH_ID, id, cause.getMessage());
    }
}
