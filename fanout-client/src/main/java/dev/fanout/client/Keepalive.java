package dev.fanout.client;

import dev.fanout.protocol.control.ControlFrame;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The client's side of keepalive: PINGs the server when the connection has been quiet for the ping interval
 * (either way: a server hears a client that sends anything, and the client is sure the server is there only
 * when it hears something), and calls the connection dead when the server has been silent for the interval
 * plus the timeout. While the client itself stopped reading (its buffers are full) silence proves nothing, so
 * it is not held against the server; the PINGs still go out, so the server does not take the client for
 * gone. Confined to the client's I/O thread.
 */
final class Keepalive {

    /** Told about a connection whose server stays silent. */
    interface Dead {
        void silent(Channel channel, Duration silence);
    }

    private final Duration interval;
    private final Duration timeout;
    private final Dead dead;
    private long intervalNanos;
    private long lastHeard;
    private long lastSent;
    private boolean paused;
    private long token;
    private ScheduledFuture<?> task;

    Keepalive(Duration interval, Duration timeout, Dead dead) {
        this.interval = interval;
        this.timeout = timeout;
        this.dead = dead;
    }

    /** Starts watching {@code channel}; {@code serverIntervalMillis} is the server's own ping interval. */
    void start(Channel channel, int serverIntervalMillis) {
        stop();
        long mine = interval.toNanos();
        // Pinging at half the server's interval keeps the server from pinging a client that cannot answer.
        long servers = serverIntervalMillis > 0 ? TimeUnit.MILLISECONDS.toNanos(serverIntervalMillis) / 2 : mine;
        intervalNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(1), Math.min(mine, servers));
        long now = System.nanoTime();
        lastHeard = now;
        lastSent = now;
        paused = false;
        long tick = Math.max(TimeUnit.MILLISECONDS.toNanos(1), intervalNanos / 2);
        task = channel.eventLoop().scheduleAtFixedRate(() -> check(channel), tick, tick, TimeUnit.NANOSECONDS);
    }

    /** Stops watching. */
    void stop() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }

    /** Something came from the server. */
    void heard() {
        lastHeard = System.nanoTime();
    }

    /** Something went to the server. */
    void sent() {
        lastSent = System.nanoTime();
    }

    /** The client stopped (true) or resumed (false) reading. */
    void paused(boolean value) {
        paused = value;
        lastHeard = System.nanoTime();
    }

    private void check(Channel channel) {
        long now = System.nanoTime();
        long silence = now - lastHeard;
        if (!paused && silence >= intervalNanos + timeout.toNanos()) {
            dead.silent(channel, Duration.ofNanos(silence));
            return;
        }
        if (now - lastSent >= intervalNanos || silence >= intervalNanos) {
            channel.writeAndFlush(new ControlFrame.Ping(++token), channel.voidPromise());
            lastSent = now;
        }
    }
}
