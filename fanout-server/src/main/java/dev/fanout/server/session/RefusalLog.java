package dev.fanout.server.session;

import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Warns about refused connections at most once per interval, with the count of those refused in between: a flood
 * of refusals (a reconnect storm, a scanner) must not flood the log too. Thread-safe.
 */
public final class RefusalLog {

    /** Refusals are logged at most this often; the ones in between are counted into the next line. */
    static final long INTERVAL_NANOS = 10_000_000_000L;

    private final Logger log;
    private final String what;
    private final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - INTERVAL_NANOS);
    private final AtomicLong unlogged = new AtomicLong();

    /** Writes "refused ADDRESS: WHY" lines to {@code log}. */
    public RefusalLog(Logger log) {
        this(log, "refused");
    }

    /** Writes "WHAT ADDRESS: WHY" lines to {@code log}. */
    public RefusalLog(Logger log, String what) {
        this.log = log;
        this.what = what;
    }

    /** A connection from {@code address} was refused for {@code why}. */
    public void refused(SocketAddress address, String why) {
        long now = System.nanoTime();
        long last = lastLogged.get();
        if (now - last >= INTERVAL_NANOS && lastLogged.compareAndSet(last, now)) {
            long others = unlogged.getAndSet(0);
            log.atWarn().addKeyValue("address", Addresses.format(address)).addKeyValue("unlogged", others)
                    .log("{} {}: {}{}", what, Addresses.format(address), why,
                            others == 0 ? "" : " (and " + others + " more " + what + " since the last such line)");
        } else {
            unlogged.incrementAndGet();
        }
    }
}
