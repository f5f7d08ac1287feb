package dev.fanout.server.auth;

import dev.fanout.protocol.control.TopicNames;
import java.util.List;

/**
 * What one user (or anyone without credentials) may do: the topics it may publish to and subscribe to, as topic
 * names and patterns ({@code prices.>}, {@code chat.*}). A subscription must be covered whole: permission for
 * {@code prices.*} allows {@code SUB prices.eur} and {@code SUB prices.*}, not {@code SUB prices.>} or {@code >}.
 * Besides topics: whether it may read what the server reports about its clients ({@code /stats}, {@code /metrics}),
 * and whether it may act as the operator (kick a client, speak to clients), over the HTTP listener.
 *
 * @param publish   topics and patterns it may publish to
 * @param subscribe topics and patterns it may subscribe to
 * @param monitor   whether it may read {@code /stats} and {@code /metrics}
 * @param operator  whether it may use the operator's actions; an operator may monitor too
 */
public record Permissions(List<String> publish, List<String> subscribe, boolean monitor, boolean operator) {

    /** Everything: what every client may do when the server has no auth file. */
    public static final Permissions ALL = new Permissions(List.of(">"), List.of(">"), true, true);
    /** Nothing: what anonymous may do once an auth file is given, unless it says otherwise. */
    public static final Permissions NONE = new Permissions(List.of(), List.of(), false, false);

    public Permissions {
        publish = List.copyOf(publish);
        subscribe = List.copyOf(subscribe);
        monitor = monitor || operator;
    }

    /** Whether it may publish to the topic {@code topic}. */
    public boolean mayPublish(String topic) {
        for (String allowed : publish) {
            if (TopicNames.matches(allowed, topic)) {
                return true;
            }
        }
        return false;
    }

    /** Whether it may subscribe to {@code filter}, a topic or a pattern. */
    public boolean maySubscribe(String filter) {
        for (String allowed : subscribe) {
            if (TopicNames.covers(allowed, filter)) {
                return true;
            }
        }
        return false;
    }
}
