package dev.fanout.store.redis;

import dev.fanout.hub.PublishId;
import dev.fanout.protocol.control.TopicNames;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

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

    /** With the log's format (see topic.lua): a node of another format, which would misread it, never meets it. */
    private static final String PREFIX = "fanout:v2:{";
    private static final String LIVE = "}:live";
    private static final String META = "}:meta";

    /** The names of {@code topic}. */
    static TopicKeys of(String topic) {
        String tagged = PREFIX + topic;
        return new TopicKeys(topic, tagged + META, tagged + "}:log", tagged + LIVE);
    }

    /**
     * The key that remembers what a publish id was given, for a repeat to get the same. The identity, which the
     * client chose, is written in hex, so that no identity can make the key look like another kind of key.
     */
    String publishId(PublishId id) {
        return PREFIX + topic + "}:pub:" + id.id() + ":"
                + HexFormat.of().formatHex(id.identity().getBytes(StandardCharsets.UTF_8));
    }

    /** The topic a live channel belongs to, or null if {@code channel} is no topic's. */
    static String topicOf(String channel) {
        if (!channel.startsWith(PREFIX) || !channel.endsWith(LIVE)) {
            return null;
        }
        return channel.substring(PREFIX.length(), channel.length() - LIVE.length());
    }

    /** The name of the topic a meta key belongs to, or null if {@code key} is no topic's meta. */
    static String topicOfMeta(String key) {
        if (!key.startsWith(PREFIX) || !key.endsWith(META)) {
            return null;
        }
        String topic = key.substring(PREFIX.length(), key.length() - META.length());
        return TopicNames.isValidTopic(topic) ? topic : null;
    }

    /**
     * A Redis glob matching the live channels of every topic {@code filter} matches, and maybe more (its {@code *}
     * matches dots too): what it brings is checked against the filter. Topic names hold no glob character.
     */
    static String liveGlob(String filter) {
        return PREFIX + glob(filter) + LIVE;
    }

    /** As {@link #liveGlob}, for the topics' meta keys, which every topic Redis holds has. */
    static String metaGlob(String filter) {
        return PREFIX + glob(filter) + META;
    }

    private static String glob(String filter) {
        StringBuilder glob = new StringBuilder();
        for (String token : filter.split("\\.", -1)) {
            if (glob.length() > 0) {
                glob.append('.');
            }
            glob.append(token.equals("*") || token.equals(">") ? "*" : token);
        }
        return glob.toString();
    }

    /** The channel this server's probes go to: its own, so that only it hears them. */
    static String probeChannel(long node) {
        return "fanout:probe:" + Long.toUnsignedString(node, 16);
    }
}
