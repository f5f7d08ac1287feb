package dev.fanout.cli;

import dev.fanout.client.ClientListener;
import dev.fanout.client.ClientOptions;
import dev.fanout.client.Disconnect;
import dev.fanout.client.FanoutClient;
import dev.fanout.client.FanoutException;
import dev.fanout.client.Position;
import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code fanout pub --topic}: publishes each message through the client library with an acknowledgement, and
 * finishes only once the server has acknowledged every one. Across a dropped connection the library reconnects
 * and re-sends what was not acknowledged, with the same publish ids, so each message is published once. A
 * refusal ends the run with the server's reason.
 */
final class TopicWriter implements AutoCloseable {

    /** Acknowledgements not yet checked, oldest first; the library bounds how many are outstanding. */
    private final Deque<CompletableFuture<Position>> pending = new ArrayDeque<>();
    private final FanoutClient client;
    private final String topic;
    private long published;
    /** Messages acknowledged so far, in order. */
    private long acknowledged;

    TopicWriter(ClientTarget target, String topic, int maxPayload, PrintStream err) {
        this.topic = topic;
        // A name of its own: several at once must not ask for the same one.
        ClientOptions options = target.options()
                .name("fanout-pub-" + ProcessHandle.current().pid())
                .maxPayload(maxPayload).listener(new ClientListener() {
                    @Override
                    public void onDisconnected(Disconnect disconnect) {
                        err.println("fanout pub: disconnected (" + disconnect.describe() + "); reconnecting to "
                                + "re-send what was not acknowledged");
                    }
                }).build();
        try {
            this.client = FanoutClient.connect(options);
        } catch (FanoutException e) {
            throw new CommandFailure(e.getMessage());
        }
    }

    /** Publishes one message; fails at once if an earlier one was refused. */
    void publish(byte[] payload) {
        while (!pending.isEmpty() && pending.peekFirst().isDone()) {
            check(pending.pollFirst());
        }
        try {
            pending.addLast(client.publishAcked(topic, payload));
        } catch (FanoutException e) {
            throw new CommandFailure("message " + (published + 1) + " was not published: " + e.getMessage());
        }
        published++;
    }

    /** Messages handed to the library so far. */
    long published() {
        return published;
    }

    /**
     * Waits until every message is acknowledged; returns how many were published. Fails once
     * {@code patienceSeconds} pass with no acknowledgement at all: the server is gone, or takes nothing.
     */
    long finish(long patienceSeconds) {
        while (!pending.isEmpty()) {
            try {
                check(pending.peekFirst(), patienceSeconds);
            } catch (TimeoutException e) {
                throw new CommandFailure(pending.size() + " of " + published + " messages were not acknowledged "
                        + "within " + patienceSeconds + " s: the server is unreachable or takes nothing; they may or "
                        + "may not have been published");
            }
            pending.pollFirst();
        }
        return published;
    }

    private void check(CompletableFuture<Position> ack) {
        try {
            check(ack, Long.MAX_VALUE);
        } catch (TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    private void check(CompletableFuture<Position> ack, long seconds) throws TimeoutException {
        try {
            if (seconds == Long.MAX_VALUE) {
                ack.get();
            } else {
                ack.get(seconds, TimeUnit.SECONDS);
            }
            acknowledged++;
        } catch (ExecutionException e) {
            // Input is sent ahead of its acknowledgements: what followed may have been published or not.
            long refused = acknowledged + 1;
            throw new CommandFailure("message " + refused + " (line or frame " + refused + " of the input) was "
                    + "refused: " + e.getCause().getMessage() + "; the " + acknowledged + " before it were published, "
                    + "the rest of the input was not (those already sent may have been)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailure("interrupted before every message was acknowledged");
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
