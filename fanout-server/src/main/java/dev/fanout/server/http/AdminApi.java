package dev.fanout.server.http;

import dev.fanout.server.FanoutServer;
import dev.fanout.server.metrics.ServerMetrics;
import dev.fanout.server.session.OperatorActions;
import dev.fanout.server.session.Session;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The HTTP listener's endpoints: health, metrics, stats, and the operator's actions as the console offers them.
 *
 * <pre>
 * GET  /                           the live page (and /page/app.js, /page/style.css)
 * GET  /health                     200 or 503, JSON
 * GET  /metrics                    Prometheus text                           monitor
 * GET  /stats?offset=&amp;limit=&amp;topic_offset=&amp;topic_limit=   JSON       monitor
 * GET  /stats/clients/{id}         one client, JSON                          monitor
 * POST /clients/{id}/kick          body: the reason (optional)               operator
 * POST /clients/{id}/say           body: the text                            operator
 * POST /say                        body: the text, to every chat client      operator
 * </pre>
 */
final class AdminApi {

    /** The longest text the operator may send in one action, as a chat line may be. */
    static final int MAX_TEXT = 4096;

    private final FanoutServer server;
    private final ServerMetrics metrics;
    private final StatsReport stats;
    private final OperatorActions actions;
    private final Supplier<Map<String, String>> listeners;
    private final LivePage page = new LivePage();

    /** @param listeners each listener's name and address, for {@code /health} */
    AdminApi(FanoutServer server, ServerMetrics metrics, Supplier<Map<String, String>> listeners) {
        this.server = server;
        this.metrics = metrics;
        this.stats = new StatsReport(server);
        this.actions = new OperatorActions(server.sessions());
        this.listeners = listeners;
    }

    List<Route> routes() {
        return List.of(
                Route.get("/", Access.OPEN, "/ (the live page)", request -> done(page.file("index.html"))),
                Route.get("/page/(app\\.js|style\\.css)", Access.OPEN, "/page/{file}",
                        request -> done(page.file(request.path().group(1)))),
                Route.get("/health", Access.OPEN, "/health", request -> health()),
                Route.get("/metrics", Access.MONITOR, "/metrics", request -> metrics()),
                Route.get("/stats", Access.MONITOR, "/stats", this::stats),
                Route.get("/stats/clients/(\\d{1,18})", Access.MONITOR, "/stats/clients/{id}", this::client),
                Route.post("/clients/(\\d{1,18})/kick", Access.OPERATOR, "/clients/{id}/kick", this::kick),
                Route.post("/clients/(\\d{1,18})/say", Access.OPERATOR, "/clients/{id}/say", this::sayTo),
                Route.post("/say", Access.OPERATOR, "/say", this::sayToAll));
    }

    private CompletableFuture<FullHttpResponse> health() {
        HealthReport report = HealthReport.of(server, listeners.get());
        return done(HttpResponses.json(report.ok() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                report));
    }

    private CompletableFuture<FullHttpResponse> metrics() {
        return done(HttpResponses.response(HttpResponseStatus.OK, ServerMetrics.contentType(),
                Unpooled.wrappedBuffer(metrics.scrape().getBytes(StandardCharsets.UTF_8))));
    }

    private CompletableFuture<FullHttpResponse> stats(HttpRequest request) {
        int offset = request.number("offset", 0, 0, Integer.MAX_VALUE);
        int limit = request.number("limit", StatsReport.DEFAULT_PAGE, 0, StatsReport.MAX_PAGE);
        int topicOffset = request.number("topic_offset", 0, 0, Integer.MAX_VALUE);
        int topicLimit = request.number("topic_limit", StatsReport.DEFAULT_PAGE, 0, StatsReport.MAX_PAGE);
        return stats.stats(offset, limit, topicOffset, topicLimit)
                .thenApply(body -> HttpResponses.json(HttpResponseStatus.OK, body));
    }

    private CompletableFuture<FullHttpResponse> client(HttpRequest request) {
        StatsReport.ClientStats client = stats.client(id(request));
        if (client == null) {
            throw noClient(request);
        }
        return done(HttpResponses.json(HttpResponseStatus.OK, client));
    }

    private CompletableFuture<FullHttpResponse> kick(HttpRequest request) {
        long id = id(request);
        Session target = actions.find(id);
        String reason = request.body().isBlank() ? null : text(request);
        if (target == null || actions.kick(id, reason) != OperatorActions.Outcome.DONE) {
            throw noClient(request);
        }
        return done(HttpResponses.json(HttpResponseStatus.OK, new Done("disconnected #" + id + " ("
                + target.name() + ")", 1)));
    }

    private CompletableFuture<FullHttpResponse> sayTo(HttpRequest request) {
        long id = id(request);
        Session target = actions.find(id);
        String text = text(request);
        if (target == null) {
            throw noClient(request);
        }
        return done(switch (actions.sayTo(id, text)) {
            case DONE -> HttpResponses.json(HttpResponseStatus.OK, new Done("sent to #" + id + " (" + target.name()
                    + ")", 1));
            case NO_TEXT -> HttpResponses.error(HttpResponseStatus.CONFLICT, "#" + id + " (" + target.name()
                    + ") is a program in control mode, which has no frame for text; nothing was sent");
            case NO_CLIENT -> throw noClient(request);
        });
    }

    private CompletableFuture<FullHttpResponse> sayToAll(HttpRequest request) {
        int sent = actions.sayToAll(text(request));
        return done(HttpResponses.json(HttpResponseStatus.OK, new Done("sent to " + sent + " chat clients (frames "
                + "clients are not sent chat text)", sent)));
    }

    /** The body as the text to send: not blank, one line, within {@link #MAX_TEXT}. */
    private static String text(HttpRequest request) {
        String text = request.body().strip();
        if (text.isEmpty()) {
            throw new BadRequestException("give the text as the request's body, e.g. curl --data-binary 'TEXT'");
        }
        if (text.length() > MAX_TEXT || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            throw new BadRequestException("the text must be one line of at most " + MAX_TEXT + " characters");
        }
        return text;
    }

    private static long id(HttpRequest request) {
        return Long.parseLong(request.path().group(1));
    }

    private static BadRequestException noClient(HttpRequest request) {
        return BadRequestException.notFound("no client #" + request.path().group(1) + "; GET /stats lists who is "
                + "connected");
    }

    private static CompletableFuture<FullHttpResponse> done(FullHttpResponse response) {
        return CompletableFuture.completedFuture(response);
    }

    /**
     * What an action did.
     *
     * @param done    in words
     * @param clients how many clients it reached
     */
    record Done(String done, int clients) {
    }
}
