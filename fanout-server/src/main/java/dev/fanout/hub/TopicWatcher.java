package dev.fanout.hub;

/**
 * Told of each topic the hub makes, before its first message, so that a subscription to a pattern of names can
 * join topics that appear after it. Called on whichever thread makes the topic, while the hub holds that name's
 * place: it must be quick and must not call back into the hub.
 */
@FunctionalInterface
public interface TopicWatcher {

    /** A subscriber to add to the new {@code topic}, which then gets every message of it, or null for none. */
    Subscriber topicMade(Topic topic);
}
