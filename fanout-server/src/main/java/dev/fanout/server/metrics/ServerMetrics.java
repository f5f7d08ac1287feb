package dev.fanout.server.metrics;

import dev.fanout.hub.HubStats;
import dev.fanout.hub.Topic;
import dev.fanout.hub.TopicCounters;
import dev.fanout.hub.TopicState;
import dev.fanout.server.FanoutServer;
import dev.fanout.server.session.CloseReason;
import dev.fanout.server.session.Protocol;
import dev.fanout.server.session.Session;
import dev.fanout.server.session.SessionStats;
import dev.fanout.server.source.Source;
import dev.fanout.server.source.SourceState;
import dev.fanout.store.LocalHistory;
import dev.fanout.store.disk.DiskHistory;
import dev.fanout.store.redis.RedisHistory;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyAllocatorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.internal.PlatformDependent;
import java.util.HashSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * The server's metrics in a Micrometer Prometheus registry: connections, refusals and closes by reason, messages and
 * bytes in and out (per topic for the first {@code maxTopics} topics seen, the rest summed under {@code topic="_other"}
 * so that the series stay bounded), slow-consumer cuts and drops, client queue depths, history, sources, Redis, the
 * JVM's and Netty's memory. Names follow Prometheus's conventions: {@code fanout_} prefix, units in names,
 * {@code _total} counters. Thread-safe; {@link #scrape()} renders them.
 */
public final class ServerMetrics implements AutoCloseable {

    /** The topic label of the topics past the bound, summed. */
    static final String OTHER_TOPICS = "_other";
    /** Upper bounds of the queue-depth buckets, in bytes: empty, a message or two, a burst, near the default cap. */
    private static final long[] QUEUE_BUCKETS = {0, 64 << 10, 1 << 20, 4 << 20, 8 << 20};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final FanoutServer server;
    private final int maxTopics;
    /** Topics with series of their own; bounded by maxTopics. Added to under this; read by scrapes. */
    private final Set<String> labelledTopics = ConcurrentHashMap.newKeySet();
    /** Sources with series of their own, by description. Guarded by this. */
    private final Set<String> labelledSources = new HashSet<>();
    private final JvmGcMetrics gc = new JvmGcMetrics();

    /** Metrics of {@code server} (started), with series of their own for up to {@code maxTopics} topics. */
    public ServerMetrics(FanoutServer server, int maxTopics) {
        this.server = server;
        this.maxTopics = maxTopics;
        bindConnections(server.sessionStats());
        bindMessages(server.hub().stats(), server.sessionStats());
        bindQueues();
        bindHistory();
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new NettyAllocatorMetrics(PooledByteBufAllocator.DEFAULT).bindTo(registry);
        Gauge.builder("fanout.netty.direct.memory", PlatformDependent::usedDirectMemory).baseUnit("bytes")
                .description("Direct memory Netty holds, all allocators").register(registry);
    }

    /** Every metric in Prometheus's text format (version 0.0.4). */
    public String scrape() {
        bindNewTopicsAndSources();
        return registry.scrape();
    }

    /** The content type of {@link #scrape()}. */
    public static String contentType() {
        return "text/plain; version=0.0.4; charset=utf-8";
    }

    private void bindConnections(SessionStats stats) {
        for (Protocol protocol : Protocol.values()) {
            Gauge.builder("fanout.connections", this, m -> m.server.sessions().all().stream()
                            .filter(s -> s.protocol() == protocol).count())
                    .tag("protocol", protocol.label()).description("Clients connected now").register(registry);
        }
        counter("fanout.connections.accepted", null, "Connections that became clients", stats,
                SessionStats::accepted, Tags.empty());
        for (CloseReason reason : CloseReason.values()) {
            String name = reason.refusal() ? "fanout.connections.refused" : "fanout.connections.closed";
            String description = reason.refusal() ? "Connections refused before they became clients, by reason"
                    : "Clients whose connection ended, by reason";
            counter(name, null, description, stats, s -> s.closes(reason), Tags.of("reason", reason.label()));
        }
        counter("fanout.logins.refused", null, "Logins refused (--auth)", stats, SessionStats::refusedLogins,
                Tags.empty());
        counter("fanout.forbidden", null, "Publishes and subscriptions refused as not allowed (--auth)", stats,
                SessionStats::forbidden, Tags.empty());
        counter("fanout.publishers.throttled", null, "Times a publisher's reading paused for its publish rate",
                stats, SessionStats::throttled, Tags.empty());
    }

    private void bindMessages(HubStats hub, SessionStats stats) {
        counter("fanout.messages.published", null, "Messages published, all topics", hub, HubStats::published,
                Tags.empty());
        counter("fanout.published.payload", "bytes", "Payload bytes published, all topics", hub,
                HubStats::publishedBytes, Tags.empty());
        counter("fanout.messages.delivered", null, "Messages written to clients' sockets", stats,
                SessionStats::delivered, Tags.empty());
        counter("fanout.delivered", "bytes", "Bytes of messages written to clients' sockets, framing included",
                stats, SessionStats::deliveredBytes, Tags.empty());
        counter("fanout.messages.dropped", null, "Messages dropped for slow clients (--slow-consumer drop-oldest)",
                stats, SessionStats::dropped, Tags.empty());
        Gauge.builder("fanout.topics", this, m -> m.server.hub().topics().size())
                .description("Topics held now").register(registry);
        counter("fanout.topics.forgotten", null, "Idle topics forgotten at the --max-topics bound", hub,
                HubStats::topicsForgotten, Tags.empty());
        counter("fanout.topics.refused", null, "New topics refused at the --max-topics bound", hub,
                HubStats::topicsRefused, Tags.empty());
        bindTopic(OTHER_TOPICS);
    }

    private void bindQueues() {
        Gauge.builder("fanout.queued", this, m -> m.server.queueBudget().chargedBytes()).baseUnit("bytes")
                .description("Bytes queued for clients, all clients, as --total-queue-bytes counts them")
                .register(registry);
        Gauge.builder("fanout.queued.limit", this, m -> m.server.queueBudget().limitBytes()).baseUnit("bytes")
                .description("--total-queue-bytes").register(registry);
        counter("fanout.queue.budget.cuts", null, "Clients cut to keep all queues within --total-queue-bytes",
                this, m -> m.server.queueBudget().cuts(), Tags.empty());
        for (long bound : QUEUE_BUCKETS) {
            Gauge.builder("fanout.client.queues", this, m -> m.server.sessions().all().stream()
                            .filter(s -> s.queuedBytes() <= bound).count())
                    .tag("le", String.valueOf(bound))
                    .description("Clients whose queue holds at most le bytes (cumulative, as histogram buckets)")
                    .register(registry);
        }
        Gauge.builder("fanout.client.queues", this, m -> m.server.sessions().size()).tag("le", "+Inf")
                .description("Clients whose queue holds at most le bytes (cumulative, as histogram buckets)")
                .register(registry);
        Gauge.builder("fanout.client.queue.max", this, m -> m.server.sessions().all().stream()
                        .mapToLong(Session::queuedBytes).max().orElse(0)).baseUnit("bytes")
                .description("The deepest client queue now").register(registry);
        Gauge.builder("fanout.publish.backlog", this, m -> m.server.hub().backlog().bytes()).baseUnit("bytes")
                .description("Published and not yet handed out (--publish-backlog)").register(registry);
    }

    private void bindHistory() {
        if (server.history() instanceof LocalHistory local) {
            Gauge.builder("fanout.history", local, LocalHistory::bytes).baseUnit("bytes")
                    .description("History held, all topics, as --history-total-bytes counts it").register(registry);
            counter("fanout.history.trimmed", null, "Messages let go to keep history within --history-total-bytes",
                    local, LocalHistory::trimmedForTotal, Tags.empty());
        }
        if (server.history() instanceof DiskHistory disk) {
            Gauge.builder("fanout.history.disk", disk, DiskHistory::diskBytes).baseUnit("bytes")
                    .description("History's files on disk (--data-dir), all topics").register(registry);
        }
        if (server.history() instanceof RedisHistory redis) {
            Gauge.builder("fanout.redis.up", redis, r -> r.isUp() ? 1 : 0)
                    .description("1 while Redis (--redis) answers, else 0").register(registry);
        }
    }

    /** Series for topics and sources that appeared since the last scrape, topics up to the bound. */
    private synchronized void bindNewTopicsAndSources() {
        for (Topic topic : server.hub().topics()) {
            if (labelledTopics.size() >= maxTopics) {
                break;
            }
            if (labelledTopics.add(topic.name())) {
                String name = topic.name();
                bindTopic(name);
            }
        }
        for (Source source : server.sources()) {
            String name = source.describe();
            if (labelledSources.add(name)) {
                Tags tags = Tags.of("source", name);
                Gauge.builder("fanout.source.up", source, s -> s.status().state() == SourceState.CONNECTED ? 1 : 0)
                        .tags(tags).description("1 while the source is connected to its upstream, else 0")
                        .register(registry);
                counter("fanout.source.connects", null, "Connections a source made (or runs of its command)", source,
                        s -> s.status().connects(), tags);
                counter("fanout.source.messages", null, "Messages a source published", source,
                        s -> s.status().messages(), tags);
            }
        }
    }

    private void bindTopic(String name) {
        Tags tags = Tags.of("topic", name);
        counter("fanout.topic.messages.in", null, "Messages published to the topic", this,
                m -> m.count(name, TopicCounters::published), tags);
        counter("fanout.topic.in", "bytes", "Payload bytes published to the topic", this,
                m -> m.count(name, TopicCounters::publishedBytes), tags);
        counter("fanout.topic.messages.out", null, "Messages handed to the topic's subscribers here", this,
                m -> m.count(name, TopicCounters::handedOver), tags);
        counter("fanout.topic.out", "bytes", "Payload bytes handed to the topic's subscribers here", this,
                m -> m.count(name, TopicCounters::handedOverBytes), tags);
        if (!name.equals(OTHER_TOPICS)) {
            Gauge.builder("fanout.topic.subscribers", this, m -> {
                Topic topic = m.server.hub().find(name);
                return topic == null ? 0 : topic.subscriberCount();
            }).tags(tags).description("Subscribers of the topic here").register(registry);
            Gauge.builder("fanout.topic.sequence", this, m -> {
                Topic topic = m.server.hub().find(name);
                return topic == null ? 0 : topic.lastSequence();
            }).tags(tags).description("The topic's last sequence number published here").register(registry);
            if (server.history() instanceof LocalHistory local) {
                // History this server keeps answers at once; Redis's would be a round trip per topic and scrape.
                Gauge.builder("fanout.topic.history.messages", this, m -> {
                    // Only for a topic the hub holds: asking the store of another would make it one.
                    Topic topic = m.server.hub().find(name);
                    TopicState state = topic == null ? null : topic.state().getNow(null);
                    return state == null ? 0 : state.held();
                }).tags(tags).description("Messages the topic's history holds (history in memory or on disk)")
                        .register(registry);
                Gauge.builder("fanout.topic.history", local, h -> h.bytes(name)).baseUnit("bytes").tags(tags)
                        .description("What the topic's history holds, as --history-bytes counts it (with --data-dir, "
                                + "its messages on disk and their index in memory)").register(registry);
            }
        }
    }

    /**
     * One of the topic {@code name}'s counters now (0 once it is gone); for {@link #OTHER_TOPICS}, that counter
     * summed over the topics without series of their own.
     */
    private long count(String name, ToLongFunction<TopicCounters> counter) {
        if (!name.equals(OTHER_TOPICS)) {
            Topic topic = server.hub().find(name);
            return topic == null ? 0 : counter.applyAsLong(topic.counters());
        }
        long sum = 0;
        for (Topic topic : server.hub().topics()) {
            if (!labelledTopics.contains(topic.name())) {
                sum += counter.applyAsLong(topic.counters());
            }
        }
        return sum;
    }

    private <T> void counter(String name, String unit, String description, T source, ToLongFunction<T> value,
                             Tags tags) {
        ToDoubleFunction<T> asDouble = s -> value.applyAsLong(s);
        FunctionCounter.builder(name, source, asDouble).baseUnit(unit).description(description).tags(tags)
                .register(registry);
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
