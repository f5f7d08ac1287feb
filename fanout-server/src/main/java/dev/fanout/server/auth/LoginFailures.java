package dev.fanout.server.auth;

import java.net.InetAddress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failed logins by address: once an address has failed {@code maxFailures} times within the window (from its first
 * failure), its logins are refused until the window has passed, so guessing secrets costs an attacker the window
 * per handful of guesses. The table holds at most {@code maxAddresses}; past that the address that failed longest
 * ago is forgotten (logged once). Thread-safe.
 */
final class LoginFailures {

    private static final Logger log = LoggerFactory.getLogger(LoginFailures.class);

    private final int maxFailures;
    private final long windowNanos;
    private final int maxAddresses;
    // Guarded by this: address -> {failures, nanoTime of the first}, oldest first.
    private final LinkedHashMap<InetAddress, long[]> table = new LinkedHashMap<>();
    private boolean fullLogged;

    LoginFailures(int maxFailures, long windowNanos, int maxAddresses) {
        this.maxFailures = maxFailures;
        this.windowNanos = windowNanos;
        this.maxAddresses = maxAddresses;
    }

    /** Nanoseconds until {@code address} may try again, or 0 if it may now. */
    synchronized long blockedFor(InetAddress address, long now) {
        long[] entry = current(address, now);
        return entry == null || entry[0] < maxFailures ? 0 : entry[1] + windowNanos - now;
    }

    /** Notes a failed login from {@code address}. */
    synchronized void failed(InetAddress address, long now) {
        long[] entry = current(address, now);
        if (entry == null) {
            if (table.size() >= maxAddresses) {
                Iterator<Map.Entry<InetAddress, long[]>> oldest = table.entrySet().iterator();
                oldest.next();
                oldest.remove();
                if (!fullLogged) {
                    fullLogged = true;
                    log.warn("failed logins come from more than {} addresses at once (--login-failure-addresses): "
                            + "the oldest are forgotten, so those addresses may try again early", maxAddresses);
                }
            }
            table.put(address, new long[] {1, now});
        } else {
            entry[0]++;
        }
    }

    /** A login from {@code address} succeeded: its failures are forgotten. */
    synchronized void succeeded(InetAddress address) {
        table.remove(address);
    }

    /** Addresses with failures remembered now. */
    synchronized int size() {
        return table.size();
    }

    private long[] current(InetAddress address, long now) {
        long[] entry = table.get(address);
        if (entry != null && now - entry[1] >= windowNanos) {
            table.remove(address);
            return null;
        }
        return entry;
    }
}
