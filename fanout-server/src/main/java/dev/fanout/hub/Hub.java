package dev.fanout.hub;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The in-process registry of topics; everything publishes into it.
 *
 * <p>A topic exists while it has subscribers; the default topic always exists. The number of topics is
 * bounded, because clients name them. Thread-safe.
 */
public final class Hub {

    private final String defaultTopic;
    private final int maxTopics;
    private final ByteBufAllocator alloc;
    private final Clock clock;
    private final PublishBacklog backlog;
    private final HubStats stats = new HubStats();
    private final ConcurrentHashMap<String, Topic> topics = new ConcurrentHashMap<>();
    /** Topics in the map, the default one included; kept exact so the limit holds under racing creations. */
    private final AtomicInteger topicCount = new AtomicInteger(1);

    /**
     * Creates a hub.
     *
     * @param defaultTopic the topic that always exists (raw frames clients and new chat clients use it)
     * @param maxTopics    the most topics that may exist at once
     * @param backlog      the bound on bytes waiting for delivery
     * @param alloc        allocates encoded messages
     * @param clock        stamps messages with their publish time
     */
    public Hub(String defaultTopic, int maxTopics, PublishBacklog backlog, ByteBufAllocator alloc, Clock clock) {
        this.defaultTopic = defaultTopic;
        this.maxTopics = maxTopics;
        this.alloc = alloc;
        this.clock = clock;
        this.backlog = backlog;
        topics.put(defaultTopic, newTopic(defaultTopic));
    }

    /** The topic that always exists. */
    public String defaultTopic() {
        return defaultTopic;
    }

    /**
     * Publishes {@code payload} to {@code topic} on behalf of {@code origin} and returns its sequence number.
     * Ownership of the payload passes to the hub. A topic nobody subscribes to is not created: the message is
     * counted and dropped, and 0 is returned.
     */
    public long publish(String topic, ByteBuf payload, Origin origin) {
        return publishAll(topic, List.of(payload), origin);
    }

    /**
     * Publishes a burst of payloads from one origin, in order, as {@link #publish} would one by one, but with
     * one hand-off per event loop. Ownership of the payloads passes to the hub; the list is not kept. Returns
     * the last message's sequence number, or 0 when the topic does not exist and the payloads were dropped.
     */
    public long publishAll(String topic, List<ByteBuf> payloads, Origin origin) {
        Topic target = topics.get(topic);
        if (target == null) {
            for (ByteBuf payload : payloads) {
                stats.published(payload.readableBytes());
                payload.release();
            }
            return 0;
        }
        return target.publishAll(payloads, origin);
    }

    /**
     * Subscribes {@code subscriber} to {@code topic}, creating the topic if needed.
     *
     * @throws TooManyTopicsException if the topic is new and the hub is at its limit
     */
    public Topic subscribe(String topic, Subscriber subscriber) {
        while (true) {
            Topic target = topics.computeIfAbsent(topic, this::newCountedTopic);
            if (target.subscribe(subscriber)) {
                return target;
            }
            // Dropped by its last subscriber between our lookup and our subscribe: let it go and retry.
            drop(target);
        }
    }

    /** Unsubscribes {@code subscriber}; a topic left with nobody is dropped, unless it is the default one. */
    public void unsubscribe(Topic topic, Subscriber subscriber) {
        boolean mayDrop = !topic.name().equals(defaultTopic);
        if (topic.unsubscribe(subscriber, mayDrop)) {
            drop(topic);
        }
    }

    /** The topic of that name, or null. */
    public Topic find(String topic) {
        return topics.get(topic);
    }

    /** A snapshot of all topics. */
    public List<Topic> topics() {
        return List.copyOf(topics.values());
    }

    /** The bound on bytes waiting for delivery. */
    public PublishBacklog backlog() {
        return backlog;
    }

    /** Counters since start. */
    public HubStats stats() {
        return stats;
    }

    /** Makes a topic for a client's request, counted against the limit; runs inside computeIfAbsent. */
    private Topic newCountedTopic(String name) {
        if (topicCount.incrementAndGet() > maxTopics) {
            topicCount.decrementAndGet();
            throw new TooManyTopicsException(name, maxTopics);
        }
        return newTopic(name);
    }

    private void drop(Topic topic) {
        if (topics.remove(topic.name(), topic)) {
            topicCount.decrementAndGet();
        }
    }

    private Topic newTopic(String name) {
        return new Topic(name, alloc, clock, backlog, stats);
    }
}
