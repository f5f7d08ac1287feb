package dev.fanout.store.redis;

import dev.fanout.hub.PublishId;

/**
 * The Redis names of one topic. Every key carries the topic as a Redis Cluster hash tag ({@code {topic}}), so that
 * all of a topic's keys are in one slot and one script may touch them; topic names cannot hold braces, so the
 * tag is always the whole name.
 *
 * @param topic   the topic
 * @param meta    the hash of its epoch, last sequence and bookkeeping
 * @param log     the stream of its history, entry ids {@code <sequence>-0}
 * @param channel the channel its messages are published on as they are appended
 */
record TopicKeys(String topic, String meta, String log, String channel) {

    private static final String PREFIX = "fanout:{";
    private static final String LIVE = "}:live";

    /** The names of {@code topic}. */
    static TopicKeys of(String topic) {
        String tagged = PREFIX + topic;
        return new TopicKeys(topic, tagged + "}:meta", tagged + "}:log", tagged + LIVE);
    }

    /** The key that remembers what a publish id was given, for a repeat to get the same. */
    String publishId(PublishId id) {
        return PREFIX + topic + "}:pub:" + id.id() + ":" + id.identity();
    }

    /** The topic a live channel belongs to, or null if {@code channel} is no topic's. */
    static String topicOf(String channel) {
        if (!channel.startsWith(PREFIX) || !channel.endsWith(LIVE)) {
            return null;
        }
        return channel.substring(PREFIX.length(), channel.length() - LIVE.length());
    }

    /** The channel this server's probes go to: its own, so that only it hears them. */
    static String probeChannel(long node) {
        return "fanout:probe:" + Long.toUnsignedString(node, 16);
    }
}
