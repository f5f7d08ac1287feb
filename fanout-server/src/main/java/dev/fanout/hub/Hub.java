package dev.fanout.hub;

import dev.fanout.protocol.control.TopicNames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-process registry of topics, and the local way to publish into them.
 *
 * <p>A topic lives while it has subscribers or history: a publish to a topic nobody listens to goes into its
 * history, and its numbering goes on while it exists. The default topic always exists. The number of topics is
 * bounded, because clients name them: at the bound, the idle topic (no subscribers) published to longest ago is
 * forgotten with its history to make place, and if every topic has subscribers the new one is refused. A topic
 * that was only ever subscribed to is forgotten when its last subscriber leaves. Thread-safe.
 */
public final class Hub {

    private static final Logger log = LoggerFactory.getLogger(Hub.class);

    private final String defaultTopic;
    private final int maxTopics;
    private final HistoryStore history;
    private final ByteBufAllocator alloc;
    private final Clock clock;
    private final PublishBacklog backlog;
    private final HubStats stats = new HubStats();
    private final ConcurrentHashMap<String, Topic> topics = new ConcurrentHashMap<>();
    private final List<TopicWatcher> watchers = new CopyOnWriteArrayList<>();
    /** Topics and patterns that relays feed: bounded by the sources on the command line. */
    private final List<String> mirrors = new CopyOnWriteArrayList<>();
    /** Topics in the map, the default one included; kept exact so the limit holds under racing creations. */
    private final AtomicInteger topicCount = new AtomicInteger(1);

    /**
     * Creates a hub.
     *
     * @param defaultTopic the topic that always exists (raw frames clients and new chat clients use it)
     * @param maxTopics    the most topics that may exist at once
     * @param history      numbers and keeps the topics' messages
     * @param backlog      the bound on bytes waiting for delivery
     * @param alloc        allocates encoded messages
     * @param clock        stamps messages with their publish time
     */
    public Hub(String defaultTopic, int maxTopics, HistoryStore history, PublishBacklog backlog,
               ByteBufAllocator alloc, Clock clock) {
        this.defaultTopic = defaultTopic;
        this.maxTopics = maxTopics;
        this.history = history;
        this.alloc = alloc;
        this.clock = clock;
        this.backlog = backlog;
        topics.put(defaultTopic, newTopic(defaultTopic));
        restore(history.restored());
    }

    /**
     * Makes the topics a durable history brought back, with their numbering; past the limit, the ones published
     * to longest ago are forgotten, as when the limit is met later.
     */
    private void restore(List<HistoryStore.StoredTopic> stored) {
        for (HistoryStore.StoredTopic topic : stored) {
            Topic restored = topics.computeIfAbsent(topic.name(), name -> {
                topicCount.incrementAndGet();
                return newTopic(name);
            });
            restored.restore(topic.state(), topic.lastPublishedAtMillis());
        }
        int over = topicCount.get() - maxTopics;
        if (over > 0) {
            log.warn("history holds {} topics, more than --max-topics {}: the {} published to longest ago are "
                    + "forgotten with their history", topicCount.get(), maxTopics, over);
            for (int i = 0; i < over; i++) {
                forgetLeastRecentIdle();
            }
        }
    }

    /** The topic that always exists. */
    public String defaultTopic() {
        return defaultTopic;
    }

    /**
     * Publishes a burst of payloads from one origin to {@code topic}, in order, with one hand-off per event loop,
     * making the topic if it is new. Ownership of the payloads passes to the hub; the list is not kept.
     * Completes with the last message's position, or fails with {@link PublishRefusedException}.
     */
    public CompletableFuture<Position> publishAll(String topic, List<ByteBuf> payloads, Origin origin) {
        return publishTo(topic, target -> target.publishAll(payloads, origin),
                () -> payloads.forEach(ByteBuf::release));
    }

    /** Publishes one payload at a position chosen upstream, as a relay does; see {@link HistoryStore#appendAt}. */
    public CompletableFuture<Position> publishAt(String topic, Position position, ByteBuf payload, Origin origin) {
        return publishTo(topic, target -> target.publishAt(position, payload, origin), payload::release);
    }

    /**
     * Runs {@code publish} on the topic of that name, made if new; again on the topic that replaces it if it was
     * forgotten meanwhile. A topic refused at the limit fails the result, after {@code release} let go of the
     * payloads.
     */
    private CompletableFuture<Position> publishTo(String topic, Function<Topic, CompletableFuture<Position>> publish,
                                                  Runnable release) {
        while (true) {
            Topic target;
            try {
                target = topicFor(topic);
            } catch (TooManyTopicsException e) {
                release.run();
                return CompletableFuture.failedFuture(e);
            }
            CompletableFuture<Position> published = publish.apply(target);
            if (published != null) {
                return published;
            }
            // Forgotten between our lookup and our publish: publish to the topic that replaces it.
            forget(target);
        }
    }

    /**
     * Subscribes {@code subscriber} to {@code topic}, making the topic if needed. The subscriber gets every
     * message whose append completes from now on.
     *
     * @throws TooManyTopicsException if the topic is new and the hub is at its limit
     */
    public Topic subscribe(String topic, Subscriber subscriber) {
        while (true) {
            Topic target = topicFor(topic);
            if (target.subscribe(subscriber)) {
                return target;
            }
            forget(target);
        }
    }

    /**
     * Unsubscribes {@code subscriber}; a topic that never had a message and is left with nobody is forgotten, and
     * so is any topic left with nobody when the history is shared (it lives on in the shared store).
     */
    public void unsubscribe(Topic topic, Subscriber subscriber) {
        topic.unsubscribe(subscriber);
        if (!topic.name().equals(defaultTopic) && topic.subscriberCount() == 0
                && topic.removeIfIdle(!history.isShared())) {
            forget(topic);
        }
    }

    /**
     * Tells {@code watcher} of every topic {@code filter} matches made from now on, until {@link #unwatch};
     * existing topics are for the caller to find with {@link #topics()} (and, when history is shared, with
     * {@link #topicsMatching}), after this call so that none is missed. With shared history, a topic another
     * server publishes to is made here when its first message since this call arrives.
     */
    public void watch(String filter, TopicWatcher watcher) {
        watchers.add(watcher);
        if (history.isShared()) {
            history.watchPattern(filter, this::discover);
        }
    }

    /** Stops telling {@code watcher} of new topics. */
    public void unwatch(String filter, TopicWatcher watcher) {
        if (watchers.remove(watcher) && history.isShared()) {
            history.unwatchPattern(filter);
        }
    }

    /**
     * With shared history: up to {@code max} topics of the shared store that {@code filter} matches, whether or not
     * this server has them; without: none beyond {@link #topics()}.
     */
    public CompletableFuture<List<String>> topicsMatching(String filter, int max) {
        return history.topicsMatching(filter, max);
    }

    /**
     * A topic another server publishes to, which a watched pattern matches: made here so that the watchers join
     * it, and forgotten at once if none did. Refused quietly (and counted) at the topic limit.
     */
    private void discover(String topic) {
        if (topics.containsKey(topic)) {
            return;
        }
        Topic made;
        try {
            made = topicFor(topic);
        } catch (TooManyTopicsException e) {
            log.debug("topic '{}' published elsewhere is not followed here: {}", topic, e.getMessage());
            return;
        }
        if (made.subscriberCount() == 0 && !made.name().equals(defaultTopic) && made.removeIfIdle(false)) {
            forget(made);
        }
    }

    /**
     * Marks the topics {@code filter} (a topic or a pattern) covers as mirrors of a relay's upstream: they keep its
     * epochs and sequence numbers (see {@link Topic#isMirrored()}).
     */
    public void mirror(String filter) {
        mirrors.add(filter);
    }

    private boolean isMirrored(String topic) {
        for (String filter : mirrors) {
            if (filter.equals(topic) || TopicNames.isPattern(filter) && TopicNames.matches(filter, topic)) {
                return true;
            }
        }
        return false;
    }

    /** The topic of that name, or null. */
    public Topic find(String topic) {
        return topics.get(topic);
    }

    /** A snapshot of all topics. */
    public List<Topic> topics() {
        return List.copyOf(topics.values());
    }

    /**
     * Whether the history is shared with other servers (a cluster node): topics then live in the shared store and
     * only while they have subscribers here.
     */
    public boolean isShared() {
        return history.isShared();
    }

    /** The clock that stamps each message's publish time. */
    public Clock clock() {
        return clock;
    }

    /** The bound on bytes waiting for delivery. */
    public PublishBacklog backlog() {
        return backlog;
    }

    /** Counters since start. */
    public HubStats stats() {
        return stats;
    }

    /** The topic of that name, made if new; at the limit an idle topic is forgotten first to make place. */
    private Topic topicFor(String name) {
        Topic existing = topics.get(name);
        if (existing != null) {
            return existing;
        }
        if (topicCount.get() >= maxTopics) {
            forgetLeastRecentIdle();
        }
        return topics.computeIfAbsent(name, this::newCountedTopic);
    }

    /**
     * Forgets the idle topic published to longest ago, if there is one. A scan of every topic: it runs only at the
     * bound, once per new topic, which caps how fast a client inventing names can make the server work.
     */
    private void forgetLeastRecentIdle() {
        Topic oldest = null;
        for (Topic topic : topics.values()) {
            if (topic.subscriberCount() == 0 && !topic.name().equals(defaultTopic)
                    && (oldest == null || topic.lastPublishedAtMillis() < oldest.lastPublishedAtMillis())) {
                oldest = topic;
            }
        }
        if (oldest != null && oldest.removeIfIdle(false)) {
            forget(oldest);
            stats.topicForgotten();
            log.debug("topic '{}' forgotten with its history: the server holds {} topics (--max-topics) and it had "
                    + "no subscribers and the oldest last message", oldest.name(), maxTopics);
        }
    }

    /** Makes a topic for a client's request, counted against the limit; runs inside computeIfAbsent. */
    private Topic newCountedTopic(String name) {
        if (topicCount.incrementAndGet() > maxTopics) {
            topicCount.decrementAndGet();
            stats.topicRefused();
            throw new TooManyTopicsException(name, maxTopics);
        }
        return newTopic(name);
    }

    /**
     * Removes a topic marked forgotten, with its history. Atomic with making a topic of the same name, so the
     * history forgotten is never a newer topic's.
     */
    private void forget(Topic topic) {
        topics.computeIfPresent(topic.name(), (name, mapped) -> {
            if (mapped != topic) {
                return mapped;
            }
            topicCount.decrementAndGet();
            history.forget(name);
            return null;
        });
    }

    private Topic newTopic(String name) {
        Topic topic = new Topic(name, history, alloc, clock, backlog, stats, this::isMirrored);
        if (history.isShared()) {
            history.follow(name, topic::deliver);
        }
        for (TopicWatcher watcher : watchers) {
            Subscriber subscriber = watcher.topicMade(topic);
            if (subscriber != null) {
                topic.subscribe(subscriber);
            }
        }
        return topic;
    }
}
