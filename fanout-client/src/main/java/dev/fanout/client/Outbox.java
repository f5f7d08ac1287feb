package dev.fanout.client;

import dev.fanout.protocol.control.ControlFrame;
import dev.fanout.protocol.control.ErrorCode;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.concurrent.CompletableFuture;

/**
 * The publishes on their way: those not yet written to a connection, in the order they were made, and the
 * acknowledged ones not yet acknowledged, by publish id. When a connection is lost, the acknowledged ones it
 * was sent go back to the front, in id order, to be sent again with the same ids on the next connection, so
 * the server (which remembers publish ids per identity) publishes each once. Fire-and-forget publishes are
 * written at most once. Confined to the client's I/O thread, apart from the {@link PublishBudget}.
 */
final class Outbox {

    /** One publish; its payload is a copy the client owns. */
    static final class Pending {
        final String topic;
        final byte[] payload;
        /** Null for fire-and-forget. */
        final CompletableFuture<Position> future;
        /** 0 for fire-and-forget; given when queued, in the order of queueing. */
        long id;
        boolean written;

        Pending(String topic, byte[] payload, CompletableFuture<Position> future) {
            this.topic = topic;
            this.payload = payload;
            this.future = future;
        }
    }

    private final PublishBudget budget;
    private final Events events;
    private final ArrayDeque<Pending> unsent = new ArrayDeque<>();
    private final LinkedHashMap<Long, Pending> unacked = new LinkedHashMap<>();
    private long nextId = 1;

    Outbox(PublishBudget budget, Events events) {
        this.budget = budget;
        this.events = events;
    }

    /** Queues a publish, which already holds its place in the budget; an acknowledged one gets its id. */
    void add(Pending publish) {
        if (publish.future != null) {
            publish.id = nextId++;
            unacked.put(publish.id, publish);
        }
        unsent.add(publish);
    }

    /**
     * Writes what waits while {@code channel} takes more (or all of it with {@code force}), without flushing;
     * true if anything was written.
     */
    boolean drain(Channel channel, boolean force) {
        boolean wrote = false;
        while (!unsent.isEmpty() && (force || channel.isWritable())) {
            Pending next = unsent.poll();
            channel.write(new ControlFrame.Pub(next.id, next.topic, Unpooled.wrappedBuffer(next.payload)),
                    channel.voidPromise());
            next.written = true;
            wrote = true;
            if (next.future == null) {
                budget.give(next.payload.length);
            }
        }
        return wrote;
    }

    /** The server acknowledged publish {@code ack.publishId()}: its future completes, off the I/O thread. */
    void acked(ControlFrame.Ack ack) {
        Pending publish = unacked.remove(ack.publishId());
        if (publish == null) {
            return;
        }
        budget.give(publish.payload.length);
        Position position = new Position(ack.epoch(), ack.sequence());
        events.run(() -> publish.future.complete(position));
    }

    /** The server refused publish {@code id}: its future fails. False if no publish has that id. */
    boolean refused(long id, ErrorCode code, String text) {
        Pending publish = unacked.remove(id);
        if (publish == null) {
            return false;
        }
        unsent.remove(publish);
        budget.give(publish.payload.length);
        FanoutException failure = FanoutException.refused("publish " + id + " to '" + publish.topic + "'", code,
                text);
        events.run(() -> publish.future.completeExceptionally(failure));
        return true;
    }

    /** The connection is gone: the acknowledged publishes it was sent go back to the front, in id order. */
    int lost() {
        ArrayDeque<Pending> again = new ArrayDeque<>();
        for (Pending publish : unacked.values()) {
            if (publish.written) {
                publish.written = false;
                again.add(publish);
            }
        }
        int resent = again.size();
        again.addAll(unsent);
        unsent.clear();
        unsent.addAll(again);
        return resent;
    }

    /** Fails every acknowledged publish still waiting and forgets the rest: the client is closing. */
    void fail(FanoutException why) {
        for (Pending publish : unsent) {
            if (publish.future == null) {
                budget.give(publish.payload.length);
            }
        }
        for (Pending publish : unacked.values()) {
            budget.give(publish.payload.length);
            events.run(() -> publish.future.completeExceptionally(why));
        }
        unsent.clear();
        unacked.clear();
    }
}
