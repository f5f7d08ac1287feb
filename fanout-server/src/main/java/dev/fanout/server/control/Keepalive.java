package dev.fanout.server.control;

import dev.fanout.protocol.control.ControlFrame;
import dev.fanout.server.session.CloseReason;
import dev.fanout.server.session.Session;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * PINGs a control client that has been silent for the ping interval, and closes it as {@link CloseReason#IDLE}
 * if it then stays silent for the ping timeout. Anything the client sends counts as an answer, so a busy
 * client is never pinged. Loop-confined: one check is scheduled at a time, at the next moment that matters;
 * hearing from the client only sets a flag, since it happens on every frame.
 */
final class Keepalive {

    private final Session session;
    private final ControlHandler handler;
    private final long intervalNanos;
    private final long timeoutNanos;
    private long lastHeardNanos = System.nanoTime();
    /** Set on every frame; the check turns it into {@link #lastHeardNanos}, so a frame costs no clock reading. */
    private boolean heard;
    /** When the unanswered PING went out, or 0. */
    private long pingSentNanos;
    private long nextToken = 1;

    Keepalive(Session session, ControlHandler handler, Duration interval, Duration timeout) {
        this.session = session;
        this.handler = handler;
        this.intervalNanos = interval.toNanos();
        this.timeoutNanos = timeout.toNanos();
    }

    /** Starts checking. */
    void start() {
        schedule(intervalNanos);
    }

    /** The client sent something: it is alive. */
    void heard() {
        heard = true;
    }

    private void schedule(long inNanos) {
        session.eventLoop().schedule(this::check, Math.max(1, inNanos), TimeUnit.NANOSECONDS);
    }

    private void check() {
        if (session.isClosed()) {
            return;
        }
        long now = System.nanoTime();
        if (heard) {
            // Heard some time since the last check: count the silence from now, a little in the client's favour.
            heard = false;
            lastHeardNanos = now;
            pingSentNanos = 0;
        }
        if (pingSentNanos != 0) {
            long waited = now - pingSentNanos;
            if (waited >= timeoutNanos) {
                session.close(CloseReason.IDLE, "no answer to a ping within " + timeoutNanos / 1_000_000
                        + " ms (--ping-timeout)");
                return;
            }
            schedule(timeoutNanos - waited);
            return;
        }
        long silent = now - lastHeardNanos;
        if (silent >= intervalNanos) {
            handler.send(new ControlFrame.Ping(nextToken++));
            pingSentNanos = now;
            schedule(timeoutNanos);
        } else {
            schedule(intervalNanos - silent);
        }
    }
}
