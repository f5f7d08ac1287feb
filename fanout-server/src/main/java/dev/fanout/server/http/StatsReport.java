package dev.fanout.server.http;

import dev.fanout.hub.HubStats;
import dev.fanout.hub.Topic;
import dev.fanout.hub.TopicCounters;
import dev.fanout.hub.TopicState;
import dev.fanout.server.FanoutServer;
import dev.fanout.server.Version;
import dev.fanout.server.session.Addresses;
import dev.fanout.server.session.ClosedSession;
import dev.fanout.server.session.Session;
import dev.fanout.server.session.SessionStats;
import dev.fanout.store.LocalHistory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /stats}: the server, its topics and its clients, as JSON, paged for many clients and topics; and
 * {@code GET /stats/clients/{id}} for one client. Built from snapshots: figures read a moment apart may not add up
 * exactly.
 */
final class StatsReport {

    /** Default and largest page of clients or topics. */
    static final int DEFAULT_PAGE = 100;
    static final int MAX_PAGE = 1000;

    private final FanoutServer server;
    private final Instant started = Instant.now();
    private final Rates rates = new Rates();

    StatsReport(FanoutServer server) {
        this.server = server;
    }

    /** The whole report: clients from {@code offset}, {@code limit} of them; topics likewise. */
    CompletableFuture<Stats> stats(int offset, int limit, int topicOffset, int topicLimit) {
        List<Session> sessions = server.sessions().all().stream().sorted(Comparator.comparingLong(Session::id))
                .toList();
        List<ClientStats> clients = sessions.stream().skip(offset).limit(limit).map(StatsReport::client).toList();
        List<Topic> allTopics = server.hub().topics().stream().sorted(Comparator.comparing(Topic::name)).toList();
        List<Topic> page = allTopics.stream().skip(topicOffset).limit(topicLimit).toList();
        long now = System.nanoTime();
        rates.retain(allTopics.stream().map(Topic::name).collect(java.util.stream.Collectors.toSet()));
        List<CompletableFuture<TopicStats>> topics = new ArrayList<>();
        for (Topic topic : page) {
            double perSecond = rates.perSecond(topic.name(), topic.counters().published(), now);
            Long historyBytes = server.history() instanceof LocalHistory local ? local.bytes(topic.name()) : null;
            topics.add(topic.state().handle((state, failure) -> topic(topic, failure == null ? state : null,
                    perSecond, historyBytes)));
        }
        return CompletableFuture.allOf(topics.toArray(CompletableFuture[]::new)).thenApply(done -> new Stats(
                server(sessions.size(), allTopics.size()),
                new Page<>(allTopics.size(), topicOffset, topicLimit, topics.stream().map(CompletableFuture::join)
                        .toList()),
                new Page<>(sessions.size(), offset, limit, clients),
                server.sessionStats().recentCloses()));
    }

    /** One client, or null if none has that id. */
    ClientStats client(long id) {
        Session session = server.sessions().find(id);
        return session == null || session.isClosed() ? null : client(session);
    }

    private ServerStats server(int clients, int topics) {
        SessionStats sessions = server.sessionStats();
        HubStats hub = server.hub().stats();
        Map<String, Long> closes = new LinkedHashMap<>();
        Map<String, Long> refusals = new LinkedHashMap<>();
        sessions.closes().forEach((reason, count) -> (reason.refusal() ? refusals : closes).put(reason.label(), count));
        Long historyBytes = server.history() instanceof LocalHistory local ? local.bytes() : null;
        long now = System.nanoTime();
        return new ServerStats(server.options().serverName(), Version.VERSION, server.relays().id(), started,
                clients, sessions.accepted(), topics, hub.published(),
                rates.perSecond("/published", hub.published(), now), hub.publishedBytes(), sessions.delivered(),
                rates.perSecond("/delivered", sessions.delivered(), now),
                sessions.deliveredBytes(), sessions.dropped(), server.queueBudget().chargedBytes(),
                server.queueBudget().limitBytes(), server.options().limits().queue().maxBytes(),
                server.queueBudget().cuts(), historyBytes,
                server.history().describe(), refusals, closes);
    }

    private static ClientStats client(Session s) {
        return new ClientStats(s.id(), s.name(), s.principal().name(), Addresses.format(s.remoteAddress()),
                s.protocol().label(), s.topics().stream().map(Topic::name).toList(), s.queuedBytes(),
                s.queuedMessages(), s.messagesIn(), s.bytesIn(), s.messagesOut(), s.bytesOut(), s.connectedSince());
    }

    private static TopicStats topic(Topic topic, TopicState state, double perSecond, Long historyBytes) {
        TopicCounters counters = topic.counters();
        return new TopicStats(topic.name(), state == null ? null : state.epoch(),
                state == null ? topic.lastSequence() : state.last(), state == null ? null : state.first(),
                state == null ? null : state.held(), historyBytes, topic.subscriberCount(), counters.published(),
                perSecond, counters.publishedBytes(), counters.handedOver(), counters.handedOverBytes());
    }

    /** The whole of {@code GET /stats}. */
    record Stats(ServerStats server, Page<TopicStats> topics, Page<ClientStats> clients,
                 List<ClosedSession> recentCloses) {
    }

    /** A page of a longer list: how many there are in all, where the page starts, how long it may be, and it. */
    record Page<T>(int total, int offset, int limit, List<T> items) {
    }

    /** The server as a whole. */
    record ServerStats(String name, String version, String serverId, Instant started, int clients, long accepted,
                       int topics, long messagesPublished, double publishedPerSecond, long bytesPublished,
                       long messagesDelivered, double deliveredPerSecond, long bytesDelivered, long messagesDropped,
                       long queuedBytes, long queuedBytesLimit, long clientQueueBytesLimit, long queueBudgetCuts,
                       Long historyBytes, String history, Map<String, Long> refusals, Map<String, Long> closes) {
    }

    /**
     * One topic. Epoch, first and held come from its history, and are null if it could not be read (Redis down).
     * The rate is messages published per second, measured over the second or more since it was last measured.
     */
    record TopicStats(String name, Long epoch, long sequence, Long first, Long held, Long historyBytes,
                      int subscribers,
                      long messagesIn, double messagesInPerSecond, long bytesIn, long messagesOut, long bytesOut) {
    }

    /** One client. */
    record ClientStats(long id, String name, String user, String address, String protocol, List<String> topics,
                       long queuedBytes, int queuedMessages, long messagesIn, long bytesIn, long messagesOut,
                       long bytesOut, Instant connectedSince) {
    }
}
