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
    /** Topic or pattern, to the source that feeds it. Bounded by the sources on the command line. */
    private final Map<String, String> fed = new ConcurrentHashMap<>();

    /** Read-only rules that apply unless {@code allowPublish}. */
    public ReadOnlyTopics(boolean allowPublish) {
        this.allowPublish = allowPublish;
    }

    /** Marks {@code filter} (a topic or a pattern) as fed by {@code source}. */
    public void add(String filter, String source) {
        fed.putIfAbsent(filter, source);
    }

    /** Why a client may not publish to {@code topic}, or null if it may. */
    public String refusal(String topic) {
        if (allowPublish) {
            return null;
        }
        for (Map.Entry<String, String> entry : fed.entrySet()) {
            if (entry.getKey().equals(topic) || TopicNames.isPattern(entry.getKey())
                    && TopicNames.matches(entry.getKey(), topic)) {
                return "topic '" + topic + "' is fed by the source " + entry.getValue()
                        + " and is read-only for clients (the operator can allow it with serve --allow-publish)";
            }
        }
        return null;
    }
}
