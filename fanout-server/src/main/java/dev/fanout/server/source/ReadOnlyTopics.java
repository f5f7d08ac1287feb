package dev.fanout.server.source;

import dev.fanout.protocol.control.TopicNames;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The topics sources feed, which clients may not publish to unless the server allows it
 * ({@code serve --allow-publish}): a client's message would interleave with the upstream's under numbers a
 * relay's upstream, or the upstream's own readers, never saw. Thread-safe.
 */
public final class ReadOnlyTopics {

    private final boolean allowPublish;
    /** Topics and patterns that sources feed, to whether a relay does. Bounded by the sources on the command line. */
    private final Map<String, Boolean> fed = new ConcurrentHashMap<>();

    /** Read-only rules that apply unless {@code allowPublish}. */
    public ReadOnlyTopics(boolean allowPublish) {
        this.allowPublish = allowPublish;
    }

    /** Marks {@code filter} (a topic or a pattern) as fed by a source, a relay if {@code relayed}. */
    public void add(String filter, boolean relayed) {
        fed.merge(filter, relayed, Boolean::logicalOr);
    }

    /** Why a client may not publish to {@code topic}, or null if it may. */
    public String refusal(String topic) {
        if (allowPublish) {
            return null;
        }
        for (Map.Entry<String, Boolean> entry : fed.entrySet()) {
            String filter = entry.getKey();
            if (!filter.equals(topic) && !(TopicNames.isPattern(filter) && TopicNames.matches(filter, topic))) {
                continue;
            }
            // Not which source: its address or command may hold what clients should not see.
            if (entry.getValue()) {
                return "topic '" + topic + "' mirrors another fanout server (this server relays it) and is read-only "
                        + "here: publish to the server it comes from";
            }
            return "topic '" + topic + "' is fed by a source of this server and is read-only for clients (the "
                    + "operator can allow it with serve --allow-publish)";
        }
        return null;
    }
}
