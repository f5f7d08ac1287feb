package dev.fanout.server.http;

import dev.fanout.server.websocket.WebSocketOptions;

/**
 * The HTTP listener, as {@code fanout serve} is told it.
 *
 * @param port         its port ({@code --http-port}); 0 picks a free one, {@link #OFF} binds none ({@code --no-http})
 * @param recentCloses how many of the latest closes {@code /stats} keeps, with their reasons ({@code --recent-closes})
 * @param metricsTopics how many topics get series of their own in {@code /metrics} ({@code --metrics-topics}); the
 *                      rest are summed under {@code topic="_other"}
 * @param maxConnections how many HTTP connections may be open at once ({@code --max-http-connections}); each also
 *                       counts against {@code --max-clients}. A WebSocket client counts under {@code websocket}
 *                       once upgraded
 * @param websocket    WebSocket clients ({@code /ws})
 */
public record HttpOptions(int port, int recentCloses, int metricsTopics, int maxConnections,
                          WebSocketOptions websocket) {

    /** Default port. */
    public static final int DEFAULT_PORT = 7080;
    /** The port that binds no HTTP listener. */
    public static final int OFF = -1;
    /** Default number of closes kept: enough for an operator to see what just happened, a few KiB. */
    public static final int DEFAULT_RECENT_CLOSES = 100;
    /** Default number of topics with metrics of their own: a few hundred series, cheap to scrape. */
    public static final int DEFAULT_METRICS_TOPICS = 100;
    /**
     * Default number of HTTP connections at once: ample for scrapers, dashboards and an operator, and a bound on the
     * requests they hold (3 at most each, each up to its line, headers and body, about 28 KiB: 21 MiB in all).
     */
    public static final int DEFAULT_MAX_CONNECTIONS = 256;

    /** Whether a listener is bound. */
    public boolean enabled() {
        return port != OFF;
    }
}
