package dev.fanout.bench;

import java.util.Locale;

/** The kinds of server the bench can load, and how each is spoken to. */
public enum Target {
    /** fanout's frames port, raw mode. */
    FANOUT(7070, new FanoutRawWire()),
    /** nats-server, its client text protocol, with echo off. */
    NATS(4222, new NatsWire()),
    /** redis-server pub/sub, RESP2. */
    REDIS(6379, new RedisWire());

    private final int defaultPort;
    private final Wire wire;

    Target(int defaultPort, Wire wire) {
        this.defaultPort = defaultPort;
        this.wire = wire;
    }

    /** The port the target's server listens on by default. */
    public int defaultPort() {
        return defaultPort;
    }

    Wire wire() {
        return wire;
    }

    /** Lower-case name, as on the command line and in reports. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
