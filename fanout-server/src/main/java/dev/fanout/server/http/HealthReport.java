package dev.fanout.server.http;

import dev.fanout.server.FanoutServer;
import dev.fanout.server.source.Source;
import dev.fanout.server.source.SourceState;
import dev.fanout.server.source.SourceStatus;
import dev.fanout.store.redis.RedisHistory;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /health}: whether the server is alive and ready. Ready means its listeners are bound and not closing,
 * every source is connected to its upstream (a source that ended or waits to retry is not), and in cluster mode
 * Redis answers. Answered 200 when ready, 503 when not, with what is wrong in words.
 *
 * @param status    {@code ok} or {@code unavailable}
 * @param problems  what makes it unavailable, in words; empty when ok
 * @param listeners each listener's address
 * @param sources   each source's state
 * @param redis     {@code up} or {@code down} in cluster mode, else null
 */
record HealthReport(String status, List<String> problems, Map<String, String> listeners, List<SourceHealth> sources,
                    String redis) {

    /** One source's part. */
    record SourceHealth(String source, String state, String detail) {
    }

    static HealthReport of(FanoutServer server, Map<String, String> listeners) {
        List<String> problems = new java.util.ArrayList<>();
        if (server.isClosing()) {
            problems.add("the server is shutting down");
        }
        List<SourceHealth> sources = new java.util.ArrayList<>();
        for (Source source : server.sources()) {
            SourceStatus status = source.status();
            sources.add(new SourceHealth(status.describe(), status.state().label(), status.detail()));
            if (status.state() != SourceState.CONNECTED) {
                problems.add("source " + status.describe() + " is " + status.state().label() + ": " + status.detail());
            }
        }
        String redis = null;
        if (server.history() instanceof RedisHistory shared) {
            redis = shared.isUp() ? "up" : "down";
            if (!shared.isUp()) {
                problems.add("Redis does not answer: " + shared.describe());
            }
        }
        return new HealthReport(problems.isEmpty() ? "ok" : "unavailable", problems, listeners, sources, redis);
    }

    boolean ok() {
        return problems.isEmpty();
    }
}
