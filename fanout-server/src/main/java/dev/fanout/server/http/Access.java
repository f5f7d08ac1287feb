package dev.fanout.server.http;

import dev.fanout.server.auth.Principal;

/** Who may use an endpoint, once the server has an auth file; without one, anyone may use any (loopback aside). */
enum Access {
    /** Anyone: {@code /health}, which a load balancer asks without credentials. */
    OPEN,
    /** Users with {@code monitor} (or {@code operator}): what the server reports about its clients. */
    MONITOR,
    /** Users with {@code operator}: actions on clients. */
    OPERATOR;

    boolean allows(Principal who) {
        return switch (this) {
            case OPEN -> true;
            case MONITOR -> who.mayMonitor();
            case OPERATOR -> who.mayOperate();
        };
    }

    /** The permission it takes, for the refusal. */
    String permission() {
        return this == OPERATOR ? "operator = true" : "monitor = true";
    }
}
