package dev.fanout.hub;

import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The publish path of a single server: appends to the topic's history and fans out in this process. Repeats of
 * a publish id are answered from {@link PublishDedup}. Thread-safe.
 */
public final class LocalBroker implements Broker {

    private final Hub hub;
    private final PublishDedup dedup;

    /** Publishes into {@code hub}, answering repeats from {@code dedup}. */
    public LocalBroker(Hub hub, PublishDedup dedup) {
        this.hub = hub;
        this.dedup = dedup;
    }

    @Override
    public CompletableFuture<Position> publish(String topic, ByteBuf payload, Origin origin, PublishId publishId) {
        if (publishId == null) {
            return hub.publishAll(topic, List.of(payload), origin);
        }
        return dedup.publishOnce(publishId, () -> hub.publishAll(topic, List.of(payload), origin), payload::release);
    }

    @Override
    public CompletableFuture<Position> publishAll(String topic, List<ByteBuf> payloads, Origin origin) {
        return hub.publishAll(topic, payloads, origin);
    }

    @Override
    public CompletableFuture<Position> publishAt(String topic, Position position, ByteBuf payload, Origin origin) {
        return hub.publishAt(topic, position, payload, origin);
    }

    @Override
    public PublishBacklog backlog() {
        return hub.backlog();
    }

    /** The publishes remembered for de-duplication. */
    public PublishDedup dedup() {
        return dedup;
    }
}
