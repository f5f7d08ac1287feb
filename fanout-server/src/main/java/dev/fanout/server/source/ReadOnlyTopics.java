package dev.fanout.server.source;

import dev.fanout.protocol.control.TopicNames;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The topics sources feed, which clients may not publish to unless the server allows it
 * ({@code serve --allow-publish}): a client's message would interleave with the upstream's under numbers a
 * relay's upstream, or the upstream's own readers, never saw. Thread-safe.
 */
public final class ReadOnlyTopics {

    private final boolean allowPublish;
    /** Topics and patterns that sources feed. Bounded by the sources on the command line. */
    private final Set<String> fed = ConcurrentHashMap.newKeySet();

    /** Read-only rules that apply unless {@code allowPublish}. */
    public ReadOnlyTopics(boolean allowPublish) {
        this.allowPublish = allowPublish;
    }

    /** Marks {@code filter} (a topic or a pattern) as fed by a source. */
    public void add(String filter) {
        fed.add(filter);
    }

    /** Why a client may not publish to {@code topic}, or null if it may. */
    public String refusal(String topic) {
        if (allowPublish) {
            return null;
        }
        for (String filter : fed) {
            if (filter.equals(topic) || TopicNames.isPattern(filter) && TopicNames.matches(filter, topic)) {
                // Not which source: its address or command may hold what clients should not see.
                return "topic '" + topic + "' is fed by a source of this server and is read-only for clients (the "
                        + "operator can allow it with serve --allow-publish)";
            }
        }
        return null;
    }
}
