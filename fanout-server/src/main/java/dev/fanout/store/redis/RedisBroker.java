package dev.fanout.store.redis;

import dev.fanout.hub.Broker;
import dev.fanout.hub.Origin;
import dev.fanout.hub.Position;
import dev.fanout.hub.PublishBacklog;
import dev.fanout.hub.PublishId;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The publish path of a cluster node: every publish goes to Redis ({@link RedisHistory#publish}), which numbers,
 * keeps and publishes it to every node; this node's subscribers get it back from there like everyone else's, so
 * it needs no topic here to publish to one. A publish id makes a repeat land once across the whole cluster, as
 * Redis remembers it. Messages on their way to Redis count in the publish backlog, so that publishers pause when
 * Redis falls behind. Thread-safe.
 */
public final class RedisBroker implements Broker {

    private final RedisHistory history;
    private final PublishBacklog backlog;

    /** Publishes through {@code history}, counting what is on its way in {@code backlog}. */
    public RedisBroker(RedisHistory history, PublishBacklog backlog) {
        this.history = history;
        this.backlog = backlog;
    }

    @Override
    public CompletableFuture<Position> publish(String topic, ByteBuf payload, Origin origin, PublishId publishId) {
        long bytes = PublishBacklog.bytesOf(List.of(payload));
        return backlog.whilePending(history.publish(topic, List.of(payload), origin, publishId), bytes);
    }

    @Override
    public CompletableFuture<Position> publishAll(String topic, List<ByteBuf> payloads, Origin origin) {
        long bytes = PublishBacklog.bytesOf(payloads);
        return backlog.whilePending(history.publish(topic, payloads, origin, null), bytes);
    }

    @Override
    public CompletableFuture<Position> publishAt(String topic, Position position, ByteBuf payload, Origin origin) {
        long bytes = PublishBacklog.bytesOf(List.of(payload));
        return backlog.whilePending(history.publishAt(topic, position, payload, origin), bytes);
    }

    @Override
    public PublishBacklog backlog() {
        return backlog;
    }
}
