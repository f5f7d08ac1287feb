package dev.fanout.server.control;

import java.time.Duration;

/**
 * Settings of control mode.
 *
 * @param pingInterval     how long a control client may be silent before the server PINGs it
 * @param pingTimeout      how long it then has to answer (with anything) before it is closed as idle
 * @param maxSubscriptions subscriptions one connection may hold at once
 * @param dedupWindow      how long a publish id is remembered, so that a re-send is not published twice
 * @param dedupEntries     how many publish ids are remembered at once, all clients together
 * @param maxTotalSubscriptions subscriptions all connections together may hold
 */
public record ControlOptions(Duration pingInterval, Duration pingTimeout, int maxSubscriptions, Duration dedupWindow,
                             int dedupEntries, int maxTotalSubscriptions) {

    /** Default silence before a PING: 30 s, well inside the idle timeouts of common proxies and NATs (60 s+). */
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(30);
    /** Default time to answer a PING: 10 s, ample for a client on a slow link, short for a dead one. */
    public static final Duration DEFAULT_PING_TIMEOUT = Duration.ofSeconds(10);
    /** Default subscriptions per connection: 1,000; each costs the server a few hundred bytes. */
    public static final int DEFAULT_MAX_SUBSCRIPTIONS = 1_000;
}
