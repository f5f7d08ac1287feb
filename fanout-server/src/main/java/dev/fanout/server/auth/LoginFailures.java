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
 * per handful of guesses. Logins still being checked count as failures until they are known not to be, so that a
 * burst of guesses sent at once is held to the same number. The table holds at most {@code maxAddresses}; past
 * that the address that failed longest ago is forgotten (logged once). Thread-safe.
 */
final class LoginFailures {

    private static final Logger log = LoggerFactory.getLogger(LoginFailures.class);

    private final int maxFailures;
    private final long windowNanos;
    private final int maxAddresses;
    // Guarded by this: address -> {failures, nanoTime of the first, logins being checked}, oldest first.
    private final LinkedHashMap<InetAddress, long[]> table = new LinkedHashMap<>();
    private boolean fullLogged;

    LoginFailures(int maxFailures, long windowNanos, int maxAddresses) {
        this.maxFailures = maxFailures;
        this.windowNanos = windowNanos;
        this.maxAddresses = maxAddresses;
    }

    /**
     * Starts a login from {@code address}: returns 0 and counts it as being checked, or, if the address has failed
     * (or has logins being checked) too often lately, the nanoseconds until it may try again.
     */
    synchronized long begin(InetAddress address, long now) {
        long[] entry = current(address, now);
        if (entry == null) {
            entry = add(address, now);
        } else if (entry[0] + entry[2] >= maxFailures) {
            return Math.max(1, entry[1] + windowNanos - now);
        }
        entry[2]++;
        return 0;
    }

    /** Notes that a login from {@code address} that {@link #begin} counted failed. */
    synchronized void failed(InetAddress address, long now) {
        long[] entry = current(address, now);
        if (entry == null) {
            add(address, now)[0] = 1;
        } else {
            entry[0]++;
            entry[2] = Math.max(0, entry[2] - 1);
        }
    }

    private long[] add(InetAddress address, long now) {
        if (table.size() >= maxAddresses) {
            Iterator<Map.Entry<InetAddress, long[]>> oldest = table.entrySet().iterator();
            oldest.next();
            oldest.remove();
            if (!fullLogged) {
                fullLogged = true;
                log.warn("logins come from more than {} addresses at once (--login-failure-addresses): the oldest "
                        + "are forgotten, so those addresses may try again early", maxAddresses);
            }
        }
        long[] entry = new long[] {0, now, 0};
        table.put(address, entry);
        return entry;
    }

    /** A login from {@code address} succeeded: its failures are forgotten, its other logins still counted. */
    synchronized void succeeded(InetAddress address) {
        long[] entry = table.get(address);
        if (entry != null) {
            entry[0] = 0;
            entry[2] = Math.max(0, entry[2] - 1);
        }
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
