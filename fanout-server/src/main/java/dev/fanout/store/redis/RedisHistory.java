package dev.fanout.store.redis;

import dev.fanout.hub.HistoryStore;
import dev.fanout.hub.Message;
import dev.fanout.hub.Origin;
import dev.fanout.hub.Position;
import dev.fanout.hub.PublishBacklog;
import dev.fanout.hub.PublishId;
import dev.fanout.hub.PublishRefusedException;
import dev.fanout.hub.TopicState;
import dev.fanout.store.HistoryLimits;
import dev.fanout.protocol.control.TopicNames;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * History shared by the nodes of a cluster, in Redis: each topic's epoch, numbering and recent messages live
 * there, so that any node can publish to any topic and any node can resume a client where another left it.
 *
 * <p>A publish is one script (see {@code topic.lua}): next sequence, append to the topic's stream within its
 * bounds, publish on its live channel. Every node, the publishing one included, delivers what comes back on the
 * live channel ({@link #follow}), so all nodes deliver in the order Redis gave. The bounds per topic are the
 * history limits ({@code --history}, {@code --history-bytes} counting payload bytes, {@code --history-age}); a
 * topic nobody publishes to is forgotten by Redis after {@link RedisOptions#topicTtl()}. Thread-safe.
 */
public final class RedisHistory implements HistoryStore {

    private static final Logger log = LoggerFactory.getLogger(RedisHistory.class);
    private static final byte[] PUBLISH = ascii("publish");
    private static final byte[] AT = ascii("at");
    private static final byte[] STATE = ascii("state");
    private static final byte[] READ = ascii("read");
    private static final byte[] SINCE = ascii("since");
    private static final byte[] RENEW = ascii("renew");
    /**
     * Live messages held, all topics together, while holes are filled from the logs: 64 MiB. Past it they are
     * dropped and read from the logs too, which costs reads, never messages.
     */
    public static final long MAX_HELD_BYTES = 64L * 1024 * 1024;
    /** Keys asked for per page of a SCAN for a pattern's topics. */
    private static final int SCAN_COUNT = 1_000;

    private final RedisOptions options;
    private final HistoryLimits limits;
    private final Duration dedupWindow;
    private final long node;
    private final RedisMessages forms;
    private final TopicScript script = TopicScript.load();
    private final ConcurrentHashMap<String, FollowedTopic> followed = new ConcurrentHashMap<>();
    private final AtomicLong heldBytes = new AtomicLong();
    private final LongAdder letGo = new LongAdder();
    private final AtomicBoolean heldFull = new AtomicBoolean();
    private final LongAdder badFrames = new LongAdder();
    private final RedisConnection redis;
    /** Patterns watched, and how many times each; guarded by this. */
    private final Map<String, Integer> patternFilters = new HashMap<>();
    /** The channel globs subscribed for them, and how many filters share each; guarded by this. */
    private final Map<String, Integer> patternGlobs = new HashMap<>();
    /** The watched patterns, read without the lock by the subscription's thread. */
    private volatile List<String> filtersNow = List.of();
    private volatile Consumer<String> discovered = topic -> { };
    /** What this server has yet to deliver; live messages wait in Redis's log while it is full. */
    private volatile PublishBacklog deliveries = new PublishBacklog(Long.MAX_VALUE);
    private final ReadBudget reads;

    private RedisHistory(RedisOptions options, HistoryLimits limits, Duration dedupWindow, long node) {
        this.options = options;
        this.limits = limits;
        this.dedupWindow = dedupWindow;
        this.node = node;
        this.forms = new RedisMessages(node);
        // Redis returns whole log entries: the first may hold up to an entry's bytes before the sequence asked for.
        this.reads = new ReadBudget(options.readBytes(), ReadBudget.DEFAULT_MAX_WAITING, Burst.ENTRY_BYTES);
        this.redis = RedisConnection.open(options, new RedisConnection.Events() {
            @Override
            public void message(String channel, byte[] message) {
                arrived(channel, message);
            }

            @Override
            public void patternMessage(String channel, byte[] message) {
                arrivedByPattern(channel);
            }

            @Override
            public void recovered() {
                followed.values().forEach(FollowedTopic::catchUp);
            }
        }, TopicKeys.probeChannel(node), List.of(script.text()));
    }

    /**
     * Connects to Redis.
     *
     * @param limits      what each topic keeps ({@link HistoryLimits#totalBytes()} is Redis's memory, not ours)
     * @param dedupWindow how long a publish id is remembered, cluster-wide
     * @throws RedisUnavailableException if Redis cannot be reached
     */
    public static RedisHistory open(RedisOptions options, HistoryLimits limits, Duration dedupWindow) {
        return new RedisHistory(options, limits, dedupWindow, ThreadLocalRandom.current().nextLong());
    }

    @Override
    public boolean isShared() {
        return true;
    }

    @Override
    public void follow(String topic, Consumer<List<Message>> deliver) {
        FollowedTopic following = new FollowedTopic(topic, deliver, new FollowedTopic.Log() {
            @Override
            public CompletableFuture<TopicState> state(String name) {
                return stateNow(name);
            }

            @Override
            public CompletableFuture<List<Message>> read(String name, long from, int count, long maxBytes) {
                return RedisHistory.this.read(name, from, count, maxBytes);
            }

            @Override
            public CompletableFuture<Void> renew(String name, long epoch, long handedOn) {
                TopicKeys keys = TopicKeys.of(name);
                return script.run(redis.commands(), ScriptOutputType.VALUE, new String[] {keys.meta(), keys.log()},
                        RENEW, ascii(Long.toString(epoch)), ascii(Long.toString(newEpoch())),
                        ascii(Long.toString(handedOn))).thenApply(ignored -> null);
            }

            @Override
            public boolean hasRoom() {
                return deliveries.hasRoomToDeliver();
            }

            @Override
            public boolean hold(long bytes) {
                return reserveHeld(bytes);
            }

            @Override
            public void unhold(long bytes) {
                heldBytes.addAndGet(-bytes);
            }

            @Override
            public void letGo(List<Message> batch) {
                batch.forEach(Message::release);
                letGo.add(batch.size());
            }

            @Override
            public void later(Runnable task, long delayMillis) {
                redis.schedule(task, delayMillis);
            }
        });
        FollowedTopic earlier = followed.put(topic, following);
        if (earlier != null) {
            earlier.forget();
        }
        subscribe(following);
    }

    private void subscribe(FollowedTopic following) {
        redis.subscribe(TopicKeys.of(following.name()).channel()).whenComplete((ignored, failure) -> {
            if (followed.get(following.name()) != following) {
                return;
            }
            if (failure != null) {
                log.debug("cannot subscribe to topic '{}' in Redis yet ({}); trying again", following.name(),
                        RedisConnection.rootMessage(failure));
                redis.schedule(() -> subscribe(following), FollowedTopic.RETRY_MILLIS);
                return;
            }
            following.start();
        });
    }

    private boolean reserveHeld(long bytes) {
        if (heldBytes.addAndGet(bytes) <= MAX_HELD_BYTES) {
            heldFull.set(false);
            return true;
        }
        heldBytes.addAndGet(-bytes);
        if (heldFull.compareAndSet(false, true)) {
            log.warn("live messages waiting for holes to be filled from Redis reached {} bytes: more are dropped and "
                    + "read from the topics' logs instead", MAX_HELD_BYTES);
        }
        return false;
    }

    /** A message on a live channel: to the topic that follows it, if this server still does. */
    private void arrived(String channel, byte[] frame) {
        String topic = TopicKeys.topicOf(channel);
        FollowedTopic following = topic == null ? null : followed.get(topic);
        if (following == null) {
            return;
        }
        List<Message> messages;
        try {
            messages = forms.live(topic, topic.getBytes(StandardCharsets.UTF_8), frame);
        } catch (RuntimeException e) {
            badFrames.increment();
            log.warn("a message on {} is not one fanout publishes ({}); ignored: does another program publish there?",
                    channel, e.getMessage());
            return;
        }
        if (!messages.isEmpty()) {
            following.live(messages);
        }
    }

    @Override
    public synchronized void watchPattern(String filter, Consumer<String> discovered) {
        this.discovered = discovered;
        patternFilters.merge(filter, 1, Integer::sum);
        String glob = TopicKeys.liveGlob(filter);
        if (patternGlobs.merge(glob, 1, Integer::sum) == 1) {
            redis.psubscribe(glob);
        }
        filtersNow = List.copyOf(patternFilters.keySet());
    }

    @Override
    public synchronized void unwatchPattern(String filter) {
        if (patternFilters.computeIfPresent(filter, (f, n) -> n == 1 ? null : n - 1) == null) {
            filtersNow = List.copyOf(patternFilters.keySet());
        }
        String glob = TopicKeys.liveGlob(filter);
        if (patternGlobs.containsKey(glob) && patternGlobs.computeIfPresent(glob, (g, n) -> n == 1 ? null : n - 1)
                == null) {
            redis.punsubscribe(glob);
        }
    }

    /**
     * A message of a topic a watched pattern's glob matches: a topic this server follows has it from its own
     * channel; one it does not is made known, if a pattern truly matches it, so that pattern subscriptions join it.
     */
    private void arrivedByPattern(String channel) {
        String topic = TopicKeys.topicOf(channel);
        if (topic == null || followed.containsKey(topic)) {
            return;
        }
        for (String filter : filtersNow) {
            if (TopicNames.matches(filter, topic)) {
                discovered.accept(topic);
                return;
            }
        }
    }

    @Override
    public CompletableFuture<List<String>> topicsMatching(String filter, int max) {
        CompletableFuture<List<String>> result = new CompletableFuture<>();
        scan(ScanCursor.INITIAL, ScanArgs.Builder.matches(TopicKeys.metaGlob(filter)).limit(SCAN_COUNT), filter, max,
                new LinkedHashSet<>(), result);
        return result;
    }

    /** One page of a SCAN for a pattern's topics, then the next until done or {@code max} were found. */
    private void scan(ScanCursor cursor, ScanArgs args, String filter, int max, Set<String> found,
                      CompletableFuture<List<String>> result) {
        redis.reads().scan(cursor, args).whenComplete((page, failure) -> {
            if (failure != null) {
                result.completeExceptionally(failure);
                return;
            }
            for (String key : page.getKeys()) {
                String topic = TopicKeys.topicOfMeta(key);
                if (topic != null && TopicNames.matches(filter, topic) && found.size() < max) {
                    found.add(topic);
                }
            }
            if (page.isFinished() || found.size() >= max) {
                result.complete(List.copyOf(found));
            } else {
                scan(page, args, filter, max, found, result);
            }
        });
    }

    @Override
    public void forget(String topic) {
        FollowedTopic following = followed.remove(topic);
        if (following != null) {
            following.forget();
            redis.unsubscribe(TopicKeys.of(topic).channel());
        }
    }

    /**
     * Appends {@code payloads} (ownership passes here) as the topic's next messages and publishes them to every
     * node; with a {@code publishId} seen within the dedup window, appends nothing and completes with the position
     * it was given then. Completes with the last message's position; fails with {@link PublishRefusedException}
     * ({@link PublishRefusedException.Reason#UNAVAILABLE}) when Redis does not take them.
     */
    public CompletableFuture<Position> publish(String topic, List<ByteBuf> payloads, Origin origin,
                                               PublishId publishId) {
        return publishBurst(topic, Burst.of(payloads), origin, publishId);
    }

    /** {@link #publish} of payloads already copied into a burst (and released). */
    private CompletableFuture<Position> publishBurst(String topic, Burst burst, Origin origin, PublishId publishId) {
        TopicKeys keys = TopicKeys.of(topic);
        byte[][] args = appendArgs(PUBLISH, newEpoch(), publishId == null ? 0 : Math.max(1, dedupWindow.toMillis()),
                keys, origin, burst);
        String[] keyNames = publishId == null ? new String[] {keys.meta(), keys.log()}
                : new String[] {keys.meta(), keys.log(), keys.publishId(publishId)};
        return script.<List<Object>>run(redis.commands(), ScriptOutputType.MULTI, keyNames, args)
                .handle((reply, failure) -> {
                    if (failure != null) {
                        throw refused(topic, failure);
                    }
                    if ("repeat".equals(RedisMessages.text(reply.get(0)))) {
                        String[] position = RedisMessages.text(reply.get(1)).split(":");
                        return new Position(Long.parseLong(position[0]), Long.parseLong(position[1]));
                    }
                    return new Position(RedisMessages.number(reply.get(0)),
                            RedisMessages.number(reply.get(1)) + burst.count() - 1);
                });
    }

    /**
     * Appends {@code payload} (ownership passes here) at a position chosen upstream, as a relay does; fails with
     * {@link PublishRefusedException.Reason#OUT_OF_ORDER} if the topic is already past it.
     */
    public CompletableFuture<Position> publishAt(String topic, Position position, ByteBuf payload, Origin origin) {
        return publishBurstAt(topic, position, Burst.of(List.of(payload)), origin);
    }

    /** {@link #publishAt} of a payload already copied into a burst of one (and released). */
    private CompletableFuture<Position> publishBurstAt(String topic, Position position, Burst burst, Origin origin) {
        TopicKeys keys = TopicKeys.of(topic);
        byte[][] args = appendArgs(AT, position.epoch(), position.sequence(), keys, origin, burst);
        return script.<List<Object>>run(redis.commands(), ScriptOutputType.MULTI,
                new String[] {keys.meta(), keys.log()}, args).handle((reply, failure) -> {
                    if (failure != null) {
                        throw refused(topic, failure);
                    }
                    if ("behind".equals(RedisMessages.text(reply.get(0)))) {
                        throw new PublishRefusedException(PublishRefusedException.Reason.OUT_OF_ORDER, "topic '"
                                + topic + "' is at sequence " + RedisMessages.number(reply.get(1))
                                + " already, past " + position.sequence());
                    }
                    return position;
                });
    }

    /**
     * The arguments of an operation that appends {@code burst} ({@code publish} or {@code at}; see topic.lua): the
     * operation, {@code epoch}, the bounds, the topic's lifetime, {@code sixth} (the publish id's lifetime, or the
     * sequence), the channel, the origin, then each entry's data and offsets.
     */
    private byte[][] appendArgs(byte[] op, long epoch, long sixth, TopicKeys keys, Origin origin, Burst burst) {
        byte[][] args = new byte[9 + 2 * burst.entries().size()][];
        args[0] = op;
        args[1] = ascii(Long.toString(epoch));
        args[2] = ascii(Integer.toString(limits.maxMessages()));
        args[3] = ascii(Long.toString(limits.maxBytes()));
        args[4] = ascii(Long.toString(limits.maxAge().toMillis()));
        args[5] = ascii(Long.toString(options.topicTtl().toMillis()));
        args[6] = ascii(Long.toString(sixth));
        args[7] = ascii(keys.channel());
        args[8] = forms.origin(origin);
        int at = 9;
        for (Burst.Entry entry : burst.entries()) {
            args[at++] = entry.data();
            args[at++] = entry.offsets();
        }
        return args;
    }

    private PublishRefusedException refused(String topic, Throwable failure) {
        Throwable cause = PublishRefusedException.cause(failure);
        if (cause instanceof PublishRefusedException refused) {
            return refused;
        }
        if (RedisConnection.rootOf(failure) instanceof RedisCommandTimeoutException) {
            // Sent, and not answered in time: Redis may still run it.
            return new PublishRefusedException(PublishRefusedException.Reason.UNAVAILABLE, options.target().describe()
                    + " did not answer within " + options.timeout().toMillis() + " ms (--redis-timeout) for topic '"
                    + topic + "': the message was not acknowledged and may or may not be published; send it again "
                    + "with the same publish id to have it published once");
        }
        return new PublishRefusedException(PublishRefusedException.Reason.UNAVAILABLE, options.target().describe()
                + " did not take the message for topic '" + topic + "' (" + RedisConnection.rootMessage(failure)
                + "): it was not acknowledged; send it again (with a publish id it lands once)");
    }

    @Override
    public CompletableFuture<List<Message>> append(String topic, List<ByteBuf> payloads, Origin origin,
                                                   long publishedAtMillis) {
        // One copy serves the command and the messages: Redis's client only reads it.
        Burst burst = Burst.of(payloads);
        return publishBurst(topic, burst, origin, null).thenApply(position -> {
            List<Message> messages = new ArrayList<>(burst.count());
            long sequence = position.sequence() - burst.count() + 1;
            for (ByteBuf payload : burst.payloads()) {
                messages.add(Message.of(topic, topic.getBytes(StandardCharsets.UTF_8),
                        new Position(position.epoch(), sequence++), payload, publishedAtMillis, origin));
            }
            return messages;
        });
    }

    @Override
    public CompletableFuture<Message> appendAt(String topic, Position position, ByteBuf payload, Origin origin,
                                               long publishedAtMillis) {
        Burst burst = Burst.of(List.of(payload));
        return publishBurstAt(topic, position, burst, origin).thenApply(at -> Message.of(topic,
                topic.getBytes(StandardCharsets.UTF_8), at, burst.payloads().get(0), publishedAtMillis, origin));
    }

    @Override
    public CompletableFuture<List<Message>> read(String topic, long from, int maxMessages, long maxBytes) {
        TopicKeys keys = TopicKeys.of(topic);
        int count = Math.max(1, maxMessages);
        return reads.run(maxBytes, () -> script.<List<Object>>run(redis.reads(),
                ScriptOutputType.MULTI, new String[] {keys.meta(), keys.log()}, READ,
                ascii(Long.toString(Math.max(1, from))), ascii(Integer.toString(count)),
                ascii(Long.toString(Math.max(1, maxBytes)))))
                .thenApply(reply -> reply.isEmpty() ? List.of() : forms.entries(topic,
                        topic.getBytes(StandardCharsets.UTF_8), RedisMessages.number(reply.get(0)),
                        Math.max(from, RedisMessages.number(reply.get(1))), count, maxBytes,
                        (List<?>) reply.get(2)));
    }

    @Override
    public CompletableFuture<Long> firstSince(String topic, long millis) {
        TopicKeys keys = TopicKeys.of(topic);
        return script.run(redis.reads(), ScriptOutputType.INTEGER, new String[] {keys.meta(), keys.log()},
                SINCE, ascii(Long.toString(millis)));
    }

    /**
     * The topic's state once this server follows it, if it does (so that a subscriber reading history up to the
     * state's last misses nothing of what follows live); fails if Redis does not answer in time.
     */
    @Override
    public CompletableFuture<TopicState> state(String topic) {
        FollowedTopic following = followed.get(topic);
        if (following == null || following.following().isDone()) {
            return stateNow(topic);
        }
        return following.following().copy()
                .orTimeout(options.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .exceptionallyCompose(failure -> CompletableFuture.failedFuture(new PublishRefusedException(
                        PublishRefusedException.Reason.UNAVAILABLE, options.target().describe() + " did not let "
                        + "this server follow topic '" + topic + "' within " + options.timeout().toMillis()
                        + " ms (--redis-timeout)")))
                .thenCompose(ignored -> stateNow(topic));
    }

    private CompletableFuture<TopicState> stateNow(String topic) {
        TopicKeys keys = TopicKeys.of(topic);
        return script.<List<Object>>run(redis.reads(), ScriptOutputType.MULTI,
                new String[] {keys.meta(), keys.log()}, STATE, ascii(Long.toString(newEpoch())),
                ascii(Long.toString(options.topicTtl().toMillis())))
                .thenApply(reply -> new TopicState(RedisMessages.number(reply.get(0)),
                        RedisMessages.number(reply.get(1)), RedisMessages.number(reply.get(2))));
    }

    /**
     * Bounds what comes from Redis by {@code backlog}, the hub's: while what waits there for delivery fills it, live
     * messages are let go and read from the topics' logs once it has room, so that a node whose event loops fall
     * behind does not gather what Redis sends. This node's publishes on their way to Redis do not count: they would
     * crowd out their own coming back.
     */
    public void deliverWithin(PublishBacklog backlog) {
        deliveries = backlog;
    }

    /** Whether Redis answers now. */
    public boolean isUp() {
        return redis.isUp();
    }

    /** Topics this server follows now. */
    public int followedTopics() {
        return followed.size();
    }

    /**
     * Live messages let go for want of room (this server's deliveries were behind, or holes were being filled) and
     * read from the logs instead.
     */
    public long liveLetGo() {
        return letGo.sum();
    }

    /** How many times this node's subscription connection stopped delivering its probes and was replaced. */
    public long subscriptionsReplaced() {
        return redis.subscriptionsReplaced();
    }

    /** How many times this node caught up from the logs after its subscription may have missed messages. */
    public long catchUps() {
        return redis.recoveries();
    }

    /** This server's number among the nodes, as its messages carry it. */
    public long node() {
        return node;
    }

    /** Where history lives and how Redis is, for people. */
    public String describe() {
        return "in " + options.target().describe() + " (" + (redis.isUp() ? "reachable" : "UNREACHABLE") + "), "
                + followed.size() + " topics followed here, " + redis.recoveries() + " catch-ups after missed "
                + "messages, " + liveLetGo() + " live messages let go for want of room and read back, "
                + redis.subscriptionsReplaced() + " silent subscriptions replaced";
    }

    @Override
    public void close() {
        followed.values().forEach(FollowedTopic::forget);
        followed.clear();
        redis.close();
    }

    private static long newEpoch() {
        return ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
