package dev.fanout.server.control;

import dev.fanout.hub.Hub;
import dev.fanout.hub.MessageForm;
import dev.fanout.hub.PublishRefusedException;
import dev.fanout.hub.Subscriber;
import dev.fanout.hub.Topic;
import dev.fanout.hub.TopicState;
import dev.fanout.hub.TopicWatcher;
import dev.fanout.hub.TooManyTopicsException;
import dev.fanout.protocol.control.ControlFrame;
import dev.fanout.protocol.control.ErrorCode;
import dev.fanout.protocol.control.RefKind;
import dev.fanout.protocol.control.ResumeMode;
import dev.fanout.protocol.control.TopicNames;
import dev.fanout.server.session.Session;
import dev.fanout.server.session.Subscription;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A control client's SUB: one topic, or every topic a pattern matches (those that exist and those made later),
 * each served by a {@link TopicFeed}. A pattern's feeds count against the connection's subscription limit, since
 * each costs the server as much as a subscription. Loop-confined, except {@link #topicMade}, which the hub calls
 * on whichever thread makes a topic.
 */
final class ControlSubscription implements Subscription, TopicWatcher {

    private final ControlHandler handler;
    private final int id;
    private final String filter;
    private final boolean pattern;
    private final boolean echo;
    private final ResumePoint resume;
    /** A pattern's per-topic resume points, from the client's SUB. */
    private final Map<String, ResumePoint> positions;
    private final Map<String, TopicFeed> feeds = new ConcurrentHashMap<>();
    private volatile boolean cancelled;
    /** A pattern's moment of taking effect, on the server's clock; set before it watches for topics. */
    private volatile long since;

    ControlSubscription(ControlHandler handler, ControlFrame.Sub sub, Map<String, ResumePoint> positions) {
        this.handler = handler;
        this.id = sub.subscriptionId();
        this.filter = sub.filter();
        this.pattern = TopicNames.isPattern(sub.filter());
        this.echo = sub.echo();
        this.resume = new ResumePoint(sub.mode(), sub.epoch(), sub.value());
        this.positions = positions;
    }

    int id() {
        return id;
    }

    boolean echo() {
        return echo;
    }

    /** The form this subscription's MSG frames take on the connection's wire. */
    MessageForm msgForm() {
        return handler.encoding().msgForm(id);
    }

    @Override
    public Session session() {
        return handler.session();
    }

    @Override
    public Topic topic() {
        if (pattern) {
            return null;
        }
        TopicFeed feed = feeds.get(filter);
        return feed == null ? null : feed.topic();
    }

    /** Joins the topic, or the pattern's topics, and starts replaying. False if refused (the client was told). */
    boolean start() {
        Hub hub = session().context().hub();
        if (!pattern) {
            if (!join(hub, filter, resume)) {
                return false;
            }
            return true;
        }
        // Before joining anything: a topic the client never hears from is resumed from this moment (SINCE), and
        // what its topics publish from now on is either delivered or found again from it.
        long since = hub.clock().millis();
        this.since = since;
        hub.watch(filter, this);
        for (Map.Entry<String, ResumePoint> known : positions.entrySet()) {
            join(hub, known.getKey(), known.getValue());
        }
        for (Topic topic : hub.topics()) {
            if (TopicNames.matches(filter, topic.name()) && !feeds.containsKey(topic.name())) {
                join(hub, topic.name(), resume);
            }
        }
        if (!hub.isShared()) {
            // Only now: a client may publish as soon as it reads SUBSCRIBED, and what it publishes must find the
            // pattern watching new topics and joined to the existing ones.
            send(new ControlFrame.Subscribed(id, 0, since));
            return true;
        }
        // A cluster node: the topics other servers made are in the shared store; join them too, then answer.
        hub.topicsMatching(filter, handler.feedsLeft()).whenComplete((names, failure) -> session().onLoop(() -> {
            if (cancelled) {
                return;
            }
            if (failure != null) {
                unavailable(filter, failure);
                return;
            }
            for (String name : names) {
                if (TopicNames.matches(filter, name) && !feeds.containsKey(name) && !join(hub, name, resume)) {
                    break;
                }
            }
            send(new ControlFrame.Subscribed(id, 0, since));
        }));
        return true;
    }

    /** Joins one topic with a new feed; false if the topic could not be made or the feed limit is reached. */
    private boolean join(Hub hub, String name, ResumePoint from) {
        if (!handler.takeFeed(this, name)) {
            return false;
        }
        TopicFeed feed = new TopicFeed(this, from);
        if (feeds.putIfAbsent(name, feed) != null) {
            handler.returnFeed();
            return true;
        }
        try {
            feed.attach(hub.subscribe(name, feed));
        } catch (TooManyTopicsException e) {
            feeds.remove(name);
            handler.returnFeed();
            handler.error(ErrorCode.TOPIC_LIMIT, RefKind.SUBSCRIPTION_ID, id, e.getMessage());
            return false;
        }
        feed.start();
        return true;
    }

    /** A topic appeared: a pattern that matches it joins it from its first message. */
    @Override
    public Subscriber topicMade(Topic topic) {
        if (cancelled || !TopicNames.matches(filter, topic.name()) || feeds.containsKey(topic.name())
                || !handler.takeFeed(this, topic.name())) {
            return null;
        }
        // On one server a topic made now is new: all of it is news. On a cluster node it may be an old topic first
        // heard of now: only what was published since the pattern took effect is.
        ResumePoint from = session().context().hub().isShared()
                ? new ResumePoint(ResumeMode.SINCE, 0, since) : ResumePoint.EVERYTHING;
        TopicFeed feed = new TopicFeed(this, from).attach(topic);
        if (feeds.putIfAbsent(topic.name(), feed) != null) {
            handler.returnFeed();
            return null;
        }
        if (cancelled && feeds.remove(topic.name(), feed)) {
            // Cancelled meanwhile, perhaps after it let go of its feeds: this one is not joined.
            handler.returnFeed();
            return null;
        }
        session().eventLoop().execute(() -> {
            if (!cancelled) {
                feed.start();
            }
        });
        return feed;
    }

    /** True once the subscription was cancelled; any thread. */
    boolean isCancelled() {
        return cancelled;
    }

    /** A feed learned its topic's state: an exact subscription now tells the client where it stands. */
    void started(TopicFeed feed, TopicState state, boolean upstreamEpochUnknown) {
        if (!pattern) {
            send(new ControlFrame.Subscribed(id, upstreamEpochUnknown ? 0 : state.epoch(),
                    upstreamEpochUnknown ? 0 : state.last()));
        }
    }

    /**
     * The history store failed for {@code topic} (in a cluster: Redis is unreachable): the client is told, and the
     * subscription ends, so that the client may subscribe again later under the same id and resume where it
     * stands; nothing it would act on (a GAP, a RESET) is made up meanwhile. On the loop.
     */
    void unavailable(String topic, Throwable failure) {
        if (cancelled) {
            return;
        }
        handler.error(ErrorCode.UNAVAILABLE, RefKind.SUBSCRIPTION_ID, id, "history of topic '" + topic
                + "' could not be read (" + PublishRefusedException.cause(failure).getMessage()
                + "); the subscription ended: subscribe again later, from the last message you have");
        handler.ended(this);
    }

    void send(ControlFrame frame) {
        handler.send(frame);
    }

    @Override
    public void caughtUp() {
        for (TopicFeed feed : feeds.values()) {
            feed.caughtUp();
        }
    }

    @Override
    public void cancel() {
        if (cancelled) {
            return;
        }
        cancelled = true;
        Hub hub = session().context().hub();
        if (pattern) {
            hub.unwatch(filter, this);
        }
        for (TopicFeed feed : feeds.values()) {
            feed.cancel();
            if (feed.topic() != null) {
                hub.unsubscribe(feed.topic(), feed);
            }
            handler.returnFeed();
        }
        feeds.clear();
    }

    @Override
    public String toString() {
        return "subscription " + id + " to " + filter;
    }
}
