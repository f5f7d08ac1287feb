package dev.fanout.server.console;

import dev.fanout.hub.HubStats;
import dev.fanout.hub.Topic;
import dev.fanout.protocol.ByteSize;
import dev.fanout.protocol.Durations;
import dev.fanout.server.FanoutServer;
import dev.fanout.server.session.Addresses;
import dev.fanout.server.session.OperatorActions;
import dev.fanout.server.session.Protocol;
import dev.fanout.server.session.QueueBudget;
import dev.fanout.server.session.Session;
import dev.fanout.server.source.Source;
import dev.fanout.server.source.SourceStatus;
import dev.fanout.store.LocalHistory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Reads operator commands line by line and answers on {@code out}. The operator can speak to one chosen
 * client ({@code /to}), which the tutorial chat servers cannot: there every client's thread reads the same
 * terminal. Runs on a thread of its own; reading ends at end of input or after {@code /shutdown}.
 */
public final class OperatorConsole {

    private static final String HELP = String.join("\n",
            "operator commands:",
            "  /list                 every client: id, name, address, protocol, topics, queued bytes",
            "  /to ID TEXT           send TEXT to client ID only (a frames client gets it as one frame)",
            "  /all TEXT             send TEXT to every chat (lines) client",
            "  /kick ID [REASON]     disconnect client ID, telling it why",
            "  /stats                counters since start",
            "  /sources              each source: state, since when, messages, connections, last heard",
            "  /shutdown             stop the server gracefully",
            "  /help                 this list");

    private final FanoutServer server;
    private final BufferedReader in;
    private final PrintWriter out;
    private final Runnable shutdown;
    private final OperatorActions actions;

    /**
     * A console for {@code server}.
     *
     * @param shutdown what {@code /shutdown} runs (the caller's graceful stop)
     */
    public OperatorConsole(FanoutServer server, BufferedReader in, PrintWriter out, Runnable shutdown) {
        this.server = server;
        this.in = in;
        this.out = out;
        this.shutdown = shutdown;
        this.actions = new OperatorActions(server.sessions());
    }

    /** Reads and runs commands until end of input or {@code /shutdown}. */
    public void run() throws IOException {
        out.println("operator console: type /help for commands");
        out.flush();
        for (String line; (line = in.readLine()) != null; ) {
            if (!execute(line.trim())) {
                return;
            }
        }
    }

    /** Runs one command; returns false after {@code /shutdown}. */
    public boolean execute(String line) {
        try {
            return dispatch(line);
        } finally {
            out.flush();
        }
    }

    private boolean dispatch(String line) {
        if (line.isEmpty()) {
            return true;
        }
        String[] parts = line.split("\\s+", 2);
        String argument = parts.length > 1 ? parts[1].trim() : "";
        switch (parts[0].toLowerCase(Locale.ROOT)) {
            case "/list" -> list();
            case "/to" -> to(argument);
            case "/all" -> all(argument);
            case "/kick" -> kick(argument);
            case "/stats" -> stats();
            case "/sources" -> sources();
            case "/help" -> out.println(HELP);
            case "/shutdown" -> {
                out.println("shutting down");
                out.flush();
                shutdown.run();
                return false;
            }
            default -> out.println(line.startsWith("/")
                    ? "unknown command " + parts[0] + "; /help lists the commands"
                    : "plain text is not sent: use /all TEXT for every chat client or /to ID TEXT for one client");
        }
        return true;
    }

    private void list() {
        List<Session> sessions = server.sessions().all();
        out.printf("%-6s %-20s %-40s %-6s %-24s %s%n", "ID", "NAME", "ADDRESS", "PROTO", "TOPICS", "QUEUED");
        for (Session s : sessions) {
            String topics = s.topics().stream().map(Topic::name).collect(Collectors.joining(","));
            out.printf("%-6d %-20s %-40s %-6s %-24s %s%n", s.id(), s.name(), Addresses.format(s.remoteAddress()),
                    s.protocol().label(), topics, ByteSize.format(s.queuedBytes()));
        }
        out.println(sessions.size() + " clients");
    }

    private void to(String argument) {
        String[] parts = argument.split("\\s+", 2);
        if (parts.length < 2 || parts[1].isBlank()) {
            out.println("usage: /to ID TEXT");
            return;
        }
        Session target = find(parts[0]);
        if (target == null) {
            return;
        }
        switch (actions.sayTo(target.id(), parts[1])) {
            case DONE -> out.println("sent to #" + target.id() + " (" + target.name() + ")");
            case NO_TEXT -> out.println("#" + target.id() + " (" + target.name() + ") is a program in control mode, "
                    + "which has no frame for text; nothing was sent");
            case NO_CLIENT -> out.println("#" + target.id() + " has just left; nothing was sent");
        }
    }

    /** To every chat client. Frames clients are programs reading a stream: a chat line would corrupt it. */
    private void all(String text) {
        if (text.isBlank()) {
            out.println("usage: /all TEXT");
            return;
        }
        out.println("sent to " + actions.sayToAll(text) + " chat clients (frames clients are not sent chat text)");
    }

    private void kick(String argument) {
        String[] parts = argument.split("\\s+", 2);
        if (parts[0].isEmpty()) {
            out.println("usage: /kick ID [REASON]");
            return;
        }
        Session target = find(parts[0]);
        if (target != null && actions.kick(target.id(), parts.length > 1 ? parts[1] : null) == OperatorActions.Outcome
                .DONE) {
            out.println("disconnected #" + target.id() + " (" + target.name() + ")");
        }
    }

    private Session find(String text) {
        String id = text.startsWith("#") ? text.substring(1) : text;
        Session session;
        try {
            session = actions.find(Long.parseLong(id));
        } catch (NumberFormatException e) {
            out.println("'" + text + "' is not a client id; /list shows the ids");
            return null;
        }
        if (session == null) {
            out.println("no client #" + id + "; /list shows who is connected");
            return null;
        }
        return session;
    }

    private void stats() {
        HubStats hub = server.hub().stats();
        List<Session> sessions = server.sessions().all();
        long frames = sessions.stream().filter(s -> s.protocol() == Protocol.FRAMES).count();
        long control = sessions.stream().filter(s -> s.protocol() == Protocol.CONTROL).count();
        long websocket = sessions.stream().filter(s -> s.protocol() == Protocol.WEBSOCKET).count();
        out.printf("clients     %d connected (%d frames, %d control, %d lines, %d websocket), %d accepted since "
                        + "start%n", sessions.size(), frames, control, sessions.size() - frames - control - websocket,
                websocket,
                server.sessionStats().accepted());
        out.printf("topics      %d (limit %d, --max-topics), %d forgotten to make place, %d refused%n",
                server.hub().topics().size(), server.options().limits().maxTopics(), hub.topicsForgotten(),
                hub.topicsRefused());
        if (server.history() instanceof LocalHistory local) {
            out.printf("history     %s held (limit %s, --history-total-bytes), %d messages let go to stay within; "
                            + "%s%n", ByteSize.format(local.bytes()), ByteSize.format(local.limits().totalBytes()),
                    local.trimmedForTotal(), local.describe());
        } else {
            out.printf("history     %s%n", server.history().describe());
        }
        out.printf("messages    %d published (%s), %d delivered (written to clients), %d dropped (drop-oldest)%n",
                hub.published(), ByteSize.format(hub.publishedBytes()), server.sessionStats().delivered(),
                server.sessionStats().dropped());
        QueueBudget budget = server.queueBudget();
        out.printf("queues      %s held for clients (limit %s, --total-queue-bytes), %d clients cut to stay within%n",
                ByteSize.format(budget.chargedBytes()), ByteSize.format(budget.limitBytes()), budget.cuts());
        out.printf("backlog     %s waiting (limit %s), publishers paused %d times%n",
                ByteSize.format(server.hub().backlog().bytes()), ByteSize.format(server.hub().backlog().limitBytes()),
                server.hub().backlog().pauses());
        String closes = server.sessionStats().closes().entrySet().stream()
                .map(e -> e.getKey().label() + "=" + e.getValue())
                .collect(Collectors.joining(" "));
        out.printf("closes      %s%n", closes.isEmpty() ? "none" : closes);
        if (server.sessionStats().throttled() > 0) {
            out.printf("throttled   publishers slowed %d times (--publish-rate, --publish-bytes-rate)%n",
                    server.sessionStats().throttled());
        }
        if (server.options().auth() != null) {
            out.printf("auth        %d logins refused, %d publishes and subscriptions refused as not allowed%n",
                    server.sessionStats().refusedLogins(), server.sessionStats().forbidden());
        }
        List<SourceStatus> sources = server.sources().stream().map(Source::status).toList();
        if (!sources.isEmpty()) {
            String states = sources.stream().collect(Collectors.groupingBy(s -> s.state().label(),
                    java.util.TreeMap::new, Collectors.counting())).entrySet().stream()
                    .map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", "));
            out.printf("sources     %d (%s), %d messages, %d connections made; /sources lists them%n",
                    sources.size(), states, sources.stream().mapToLong(SourceStatus::messages).sum(),
                    sources.stream().mapToLong(SourceStatus::connects).sum());
        }
    }

    private void sources() {
        List<SourceStatus> sources = server.sources().stream().map(Source::status).toList();
        if (sources.isEmpty()) {
            out.println("no sources: serve --source adds one (see docs/sources.md)");
            return;
        }
        Instant now = server.hub().clock().instant();
        for (SourceStatus status : sources) {
            String heard = status.lastHeard() == null ? "never"
                    : Durations.format(Duration.between(status.lastHeard(), now)) + " ago";
            out.printf("%s%n  %s for %s, %d messages, %d connection%s, last heard %s%n  %s%n", status.describe(),
                    status.state().label(), Durations.format(Duration.between(status.since(), now)),
                    status.messages(), status.connects(), status.connects() == 1 ? "" : "s", heard, status.detail());
        }
    }
}
