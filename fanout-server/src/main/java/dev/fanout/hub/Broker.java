package dev.fanout.hub;

import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The one publish path: every protocol handler and source publishes through it, never into topics directly,
 * so that where a message goes before it is delivered (this process only, or a shared store that every node
 * delivers from) is this interface's business alone.
 *
 * <p>Each publish completes with the position the message was given, once it is in its topic's history, or
 * fails with a {@link PublishRefusedException}; completions may come on another thread. Ownership of payloads
 * passes to the broker, refused or not. Backpressure: a publisher that reads from the network stops reading
 * while {@link #backlog()} is full. Thread-safe.
 */
public interface Broker {

    /**
     * Publishes one payload. With a {@code publishId}, a publish that repeats one made within the
     * de-duplication window is not appended again: it completes with the first one's position.
     *
     * @param publishId who publishes and the number they gave this message, or null for none
     */
    CompletableFuture<Position> publish(String topic, ByteBuf payload, Origin origin, PublishId publishId);

    /** Publishes a burst from one origin, in order; completes with the last message's position. */
    CompletableFuture<Position> publishAll(String topic, List<ByteBuf> payloads, Origin origin);

    /** Publishes one payload at a position chosen upstream, as a relay does, keeping its upstream's numbers. */
    CompletableFuture<Position> publishAt(String topic, Position position, ByteBuf payload, Origin origin);

    /** Bytes published and not yet handed to subscribers; publishers pause while it is full. */
    PublishBacklog backlog();
}
