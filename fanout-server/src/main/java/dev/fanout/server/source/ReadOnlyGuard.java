package dev.fanout.server.source;

import dev.fanout.hub.Broker;
import dev.fanout.hub.Origin;
import dev.fanout.hub.Position;
import dev.fanout.hub.PublishBacklog;
import dev.fanout.hub.PublishId;
import dev.fanout.hub.PublishRefusedException;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The publish path as clients see it: the server's broker, refusing publishes to topics that sources feed
 * (see {@link ReadOnlyTopics}) with {@link PublishRefusedException.Reason#READ_ONLY}, at once. Thread-safe.
 */
public final class ReadOnlyGuard implements Broker {

    private final Broker broker;
    private final ReadOnlyTopics readOnly;

    /** Guards {@code broker} with {@code readOnly}. */
    public ReadOnlyGuard(Broker broker, ReadOnlyTopics readOnly) {
        this.broker = broker;
        this.readOnly = readOnly;
    }

    @Override
    public CompletableFuture<Position> publish(String topic, ByteBuf payload, Origin origin, PublishId publishId) {
        String refusal = readOnly.refusal(topic);
        if (refusal != null) {
            payload.release();
            return refused(refusal);
        }
        return broker.publish(topic, payload, origin, publishId);
    }

    @Override
    public CompletableFuture<Position> publishAll(String topic, List<ByteBuf> payloads, Origin origin) {
        String refusal = readOnly.refusal(topic);
        if (refusal != null) {
            payloads.forEach(ByteBuf::release);
            return refused(refusal);
        }
        return broker.publishAll(topic, payloads, origin);
    }

    @Override
    public CompletableFuture<Position> publishAt(String topic, Position position, ByteBuf payload, Origin origin) {
        String refusal = readOnly.refusal(topic);
        if (refusal != null) {
            payload.release();
            return refused(refusal);
        }
        return broker.publishAt(topic, position, payload, origin);
    }

    @Override
    public PublishBacklog backlog() {
        return broker.backlog();
    }

    private static CompletableFuture<Position> refused(String why) {
        return CompletableFuture.failedFuture(new PublishRefusedException(PublishRefusedException.Reason.READ_ONLY,
                why));
    }
}
