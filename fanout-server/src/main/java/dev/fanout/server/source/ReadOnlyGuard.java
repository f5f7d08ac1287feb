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
import java.util.function.Supplier;

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
        return guarded(topic, payload::release, () -> broker.publish(topic, payload, origin, publishId));
    }

    @Override
    public CompletableFuture<Position> publishAll(String topic, List<ByteBuf> payloads, Origin origin) {
        return guarded(topic, () -> payloads.forEach(ByteBuf::release), () -> broker.publishAll(topic, payloads,
                origin));
    }

    @Override
    public CompletableFuture<Position> publishAt(String topic, Position position, ByteBuf payload, Origin origin) {
        return guarded(topic, payload::release, () -> broker.publishAt(topic, position, payload, origin));
    }

    /** Runs {@code publish} unless {@code topic} is read-only; then lets go of the payloads and fails. */
    private CompletableFuture<Position> guarded(String topic, Runnable release,
                                                Supplier<CompletableFuture<Position>> publish) {
        String refusal = readOnly.refusal(topic);
        if (refusal == null) {
            return publish.get();
        }
        release.run();
        return CompletableFuture.failedFuture(new PublishRefusedException(PublishRefusedException.Reason.READ_ONLY,
                refusal));
    }

    @Override
    public PublishBacklog backlog() {
        return broker.backlog();
    }
}
