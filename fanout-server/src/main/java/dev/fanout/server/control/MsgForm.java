package dev.fanout.server.control;

import dev.fanout.hub.Message;
import dev.fanout.hub.MessageForm;
import dev.fanout.protocol.control.ControlCodec;
import io.netty.buffer.ByteBuf;

/**
 * Messages as MSG frames of one subscription id. Subscriptions that share an id (most clients number their
 * first subscription 1) share the form, so a batch is encoded once for all of them.
 *
 * @param subscriptionId the id the MSG frames carry
 */
record MsgForm(int subscriptionId) implements MessageForm {

    @Override
    public int size(Message message) {
        return ControlCodec.msgSize(message.topicUtf8().length, message.size());
    }

    @Override
    public void writeTo(Message message, ByteBuf out) {
        ControlCodec.writeMsg(out, subscriptionId, message.epoch(), message.sequence(), message.publishedAtMillis(),
                message.topicUtf8(), message.payload());
    }
}
