package dev.fanout.store.redis;

import java.time.Duration;

/**
 * How this server uses Redis as the shared store of a cluster ({@code --redis}).
 *
 * @param target        the Redis server, or the seeds of a Redis Cluster
 * @param timeout       how long a command may take before it fails: a publish Redis does not answer within it is
 *                      refused, not acknowledged ({@code --redis-timeout})
 * @param topicTtl      how long Redis keeps a topic nobody publishes to: its epoch and numbering, after which it
 *                      starts afresh in a new epoch ({@code --redis-topic-ttl})
 * @param probeInterval how often this server checks that its subscription connection still delivers, by
 *                      publishing to itself ({@code --redis-probe-interval})
 * @param maxQueued     the most commands waiting for Redis's answer on one connection; more are refused
 * @param readBytes     the most bytes the reads of topics' logs under way at once may bring back; more wait
 *                      ({@code --redis-read-bytes})
 */
public record RedisOptions(RedisTarget target, Duration timeout, Duration topicTtl, Duration probeInterval,
                           int maxQueued, long readBytes) {

    /** Default {@code --redis-timeout}: 2 s, long enough for a busy Redis, short enough to refuse fast. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    /** Default {@code --redis-topic-ttl}: 30 days, as Centrifugo keeps a channel's meta. */
    public static final Duration DEFAULT_TOPIC_TTL = Duration.ofDays(30);
    /** Default {@code --redis-probe-interval}: 1 s; three missed probes in a row mean the subscription is dead. */
    public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofSeconds(1);
    /**
     * Default bound on commands waiting for Redis per connection: 65,536. Publishers pause long before it on the
     * publish backlog; it bounds what a Redis that stops answering can pile up.
     */
    public static final int DEFAULT_MAX_QUEUED = 65_536;
    /**
     * Default {@code --redis-read-bytes}: 32 MiB, as for reads of history on disk; resuming clients read 64 KiB at
     * a time, a node filling a hole 1 MiB.
     */
    public static final long DEFAULT_READ_BYTES = 32L * 1024 * 1024;

    public RedisOptions {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("--redis-timeout must be more than 0, e.g. 2s or 500ms");
        }
        if (topicTtl.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("--redis-topic-ttl must be at least 1s, e.g. 30d");
        }
        if (probeInterval.compareTo(Duration.ofMillis(10)) < 0) {
            throw new IllegalArgumentException("--redis-probe-interval must be at least 10ms, e.g. 1s");
        }
        if (maxQueued < 1) {
            throw new IllegalArgumentException("the Redis command queue must hold at least 1 command");
        }
        if (readBytes < 64 * 1024) {
            throw new IllegalArgumentException("--redis-read-bytes must be at least 64KiB, one client's read");
        }
    }

    /** The defaults, against {@code target}. */
    public static RedisOptions of(RedisTarget target) {
        return new RedisOptions(target, DEFAULT_TIMEOUT, DEFAULT_TOPIC_TTL, DEFAULT_PROBE_INTERVAL,
                DEFAULT_MAX_QUEUED, DEFAULT_READ_BYTES);
    }

    /** These options with another timeout. */
    public RedisOptions withTimeout(Duration value) {
        return new RedisOptions(target, value, topicTtl, probeInterval, maxQueued, readBytes);
    }

    /** These options with another topic lifetime. */
    public RedisOptions withTopicTtl(Duration value) {
        return new RedisOptions(target, timeout, value, probeInterval, maxQueued, readBytes);
    }

    /** These options with another probe interval. */
    public RedisOptions withProbeInterval(Duration value) {
        return new RedisOptions(target, timeout, topicTtl, value, maxQueued, readBytes);
    }

    /** These options with another bound on reads under way. */
    public RedisOptions withReadBytes(long value) {
        return new RedisOptions(target, timeout, topicTtl, probeInterval, maxQueued, value);
    }
}
