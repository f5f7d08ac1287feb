package dev.fanout.bench;

import java.util.Locale;

/** The kinds of server the bench can load, and how each is spoken to. */
public enum Target {
    /** fanout's frames port, raw mode. */
    FANOUT(7070, new FanoutRawWire()),
    /** fanout's frames port, control mode: topic, epoch and sequence in every message. */
    FANOUT_CONTROL(7070, new FanoutControlWire()),
    /** nats-server, its client text protocol, with echo off; acknowledged publishes go to a JetStream stream. */
    NATS(4222, new NatsWire()),
    /** redis-server pub/sub, RESP2; acknowledged publishes are XADDs to a stream. */
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

    /**
     * How this target acknowledges publishes ({@link Shape#ACKED}).
     *
     * @throws IllegalArgumentException for fanout's raw mode, which has no acknowledgements
     */
    AckedWire ackedWire() {
        if (wire instanceof AckedWire acked) {
            return acked;
        }
        throw new IllegalArgumentException("the acked shape needs a target that acknowledges publishes: "
                + "fanout-control, nats or redis (" + label() + " has no acknowledgements)");
    }

    /** The command-line spelling, also used in reports: {@code fanout}, {@code fanout-control}, {@code nats}, ... */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses the command-line spelling, in any case. */
    public static Target parse(String text) {
        for (Target target : values()) {
            if (target.label().equalsIgnoreCase(text)) {
                return target;
            }
        }
        throw new IllegalArgumentException("unknown target '" + text + "': use fanout, fanout-control, nats or redis");
    }
}
