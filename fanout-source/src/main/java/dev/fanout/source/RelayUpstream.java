package dev.fanout.source;

import dev.fanout.client.ClientListener;
import dev.fanout.client.ClientOptions;
import dev.fanout.client.ClientTls;
import dev.fanout.client.ConnectionInfo;
import dev.fanout.client.Disconnect;
import dev.fanout.client.FanoutClient;
import dev.fanout.client.FanoutException;
import dev.fanout.client.Message;
import dev.fanout.client.ReconnectOptions;
import dev.fanout.client.SubscribeOptions;
import dev.fanout.hub.Hub;
import dev.fanout.hub.Position;
import dev.fanout.hub.Topic;
import dev.fanout.protocol.control.GoodbyeReason;
import dev.fanout.protocol.control.HelloOptions;
import dev.fanout.protocol.control.TopicNames;
import dev.fanout.protocol.control.WelcomeOptions;
import dev.fanout.server.source.SourceContext;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Another fanout server, read over its control protocol with the client library: a relay. Its messages are
 * published here at the upstream's own epochs and sequence numbers, so a chain A -> B -> C numbers every message
 * alike and a client can move from one relay to another and resume.
 *
 * <p>Each link subscribes from what this server holds: a topic it has messages of resumes from the one after its
 * last, anything else from the oldest the upstream holds, so a relay that restarted with nothing refills its
 * history first (clients resuming here meanwhile wait for it: see {@code Topic#awaitsMirror}). The HELLO says this
 * server's id and the WELCOME names the servers feeding the upstream, which is how a relay loop is refused on both
 * sides (see {@link dev.fanout.server.source.RelayPath}). The client library's own reconnecting is not used: the
 * source's backoff and log lines apply to relays as to every source. Messages are handed over in order on one
 * thread, which waits while the server must not take more, so the library stops reading the upstream.
 */
final class RelayUpstream implements Upstream {

    private static final Logger log = LoggerFactory.getLogger(RelayUpstream.class);

    /** The client library never reconnects a link by itself: the source does, with its own backoff. */
    private static final ReconnectOptions NO_RECONNECT =
            new ReconnectOptions(1, Duration.ofDays(1), Duration.ofDays(1), 1.0, 0);

    private final String host;
    private final int port;
    private final String filter;
    private final SourceSettings settings;
    /** TLS for a {@code fanouts://} upstream, checked against --source-ca or the system's trust store; else null. */
    private final ClientTls tls;
    /** A loop was logged at ERROR: its retries are not, until a link connects. */
    private volatile boolean loopReported;

    RelayUpstream(URI address, String filter, SourceSettings settings) {
        this.host = address.getHost();
        this.port = address.getPort();
        this.filter = filter;
        this.settings = settings;
        this.tls = !"fanouts".equals(address.getScheme()) ? null : settings.trustedCerts() == null
                ? ClientTls.systemTrust() : ClientTls.trusting(settings.trustedCerts());
    }

    @Override
    public String describe() {
        return (tls == null ? "fanout://" : "fanouts://") + (host.contains(":") ? "[" + host + "]" : host) + ":"
                + port + "/" + filter;
    }

    @Override
    public Link open(SourceContext context, SourcePublisher publisher, LinkEvents events) {
        RelayLink link = new RelayLink(context, publisher, events);
        link.control.execute(link::connect);
        return link;
    }

    /** Where to start: after what this server holds of each topic, else from the oldest the upstream holds. */
    static SubscribeOptions resumeFrom(Hub hub, String filter) {
        if (!TopicNames.isPattern(filter)) {
            Topic topic = hub.find(filter);
            Position last = topic == null ? null : topic.last();
            return last == null ? SubscribeOptions.fromSequence(1)
                    : SubscribeOptions.from(last.epoch(), last.sequence() + 1);
        }
        Map<String, dev.fanout.client.Position> positions = new LinkedHashMap<>();
        for (Topic topic : hub.topics()) {
            Position last = topic.last();
            if (last != null && TopicNames.matches(filter, topic.name())) {
                positions.put(topic.name(), new dev.fanout.client.Position(last.epoch(), last.sequence() + 1));
            }
        }
        // Topics not listed: everything the upstream holds of them.
        return SubscribeOptions.since(Instant.EPOCH).withPositions(positions);
    }

    /** One connection to the upstream: one client, one subscription. */
    private final class RelayLink implements Link, ClientListener {
        private final SourceContext context;
        private final SourcePublisher publisher;
        private final LinkEvents events;
        /** Connects and closes, which block. */
        final ExecutorService control = Executors.newSingleThreadExecutor(
                new DefaultThreadFactory("fanout-relay", true));
        /** Runs the handler and the listener, in order. */
        private final ExecutorService callbacks = Executors.newSingleThreadExecutor(
                new DefaultThreadFactory("fanout-relay-messages", true));
        /** The WELCOME, told to the listener even when the connection is gone by the time it runs. */
        private final CompletableFuture<ConnectionInfo> welcome = new CompletableFuture<>();
        private volatile FanoutClient client;
        private volatile boolean closing;
        /** This side saw the loop in the WELCOME: what the upstream says of it next is not news. */
        private volatile boolean refusedLoop;

        RelayLink(SourceContext context, SourcePublisher publisher, LinkEvents events) {
            this.context = context;
            this.publisher = publisher;
            this.events = events;
        }

        void connect() {
            try {
                connectAndSubscribe();
            } catch (RuntimeException e) {
                log.warn("source {}: connecting failed", describe(), e);
                shut("connecting failed: " + Failures.describe(e));
            }
        }

        private void connectAndSubscribe() {
            ClientOptions options = ClientOptions.builder()
                    .address(host, port)
                    .tls(tls)
                    .helloOption(HelloOptions.RELAY, context.relays().id())
                    .connectTimeout(settings.connectTimeout())
                    .reconnect(NO_RECONNECT)
                    .maxPayload(context.maxMessage())
                    .listener(this)
                    .callbackExecutor(callbacks)
                    .build();
            FanoutClient connected;
            try {
                connected = FanoutClient.connect(options);
            } catch (FanoutException e) {
                end(e.getMessage());
                return;
            }
            client = connected;
            if (closing) {
                shut("stopped");
                return;
            }
            ConnectionInfo info;
            try {
                info = welcome.get(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                shut("stopped");
                return;
            } catch (CancellationException e) {
                shut("stopped");
                return;
            } catch (ExecutionException | TimeoutException e) {
                shut("no WELCOME: " + e);
                return;
            }
            String upstreamId = info.options().getOrDefault(WelcomeOptions.SERVER_ID, "");
            String feeders = info.options().getOrDefault(WelcomeOptions.FEEDS_FROM, "");
            String loop = context.relays().relayFrom(upstreamId,
                    feeders.isEmpty() ? List.of() : Arrays.asList(feeders.split(",")));
            if (loop != null) {
                refusedLoop = true;
                if (!loopReported) {
                    loopReported = true;
                    log.error("source {}: refused: {}; remove one of the --source fanout:// that close the loop (it "
                            + "is retried, and logged again only once it connects)", describe(), loop);
                }
                shut(loop);
                return;
            }
            loopReported = false;
            if (info.maxPayload() > context.maxMessage()) {
                log.warn("source {}: the upstream takes messages of up to {} bytes, this server {} (--max-frame): "
                        + "a larger one would break the link", describe(), info.maxPayload(), context.maxMessage());
            }
            events.connected(host + ":" + port + ", server " + info.serverName() + " (id " + upstreamId + ")");
            try {
                connected.subscribe(filter, resumeFrom(context.hub(), filter), this::relay).subscribed()
                        .whenComplete((ok, refused) -> {
                            if (refused != null && !closing) {
                                // Connected but relaying nothing would be silent: drop the link and try again.
                                onControl(() -> shut("the upstream refused the subscription: "
                                        + refused.getMessage()));
                            }
                        });
            } catch (FanoutException e) {
                shut("subscribing failed: " + e.getMessage());
            }
        }

        /** Publishes one upstream message here at its upstream position; waits while the server is full. */
        private void relay(Message message) {
            events.heard();
            publisher.publishAt(message.topic(), new Position(message.epoch(), message.sequence()),
                    Unpooled.wrappedBuffer(message.payload()));
            if (!publisher.awaitWritable()) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void onConnected(ConnectionInfo info) {
            welcome.complete(info);
        }

        @Override
        public void onDisconnected(Disconnect disconnect) {
            String why = disconnect.reason() == null ? disconnect.text()
                    : disconnect.reason().name().toLowerCase(Locale.ROOT).replace('_', ' ')
                    + (disconnect.text().isEmpty() ? "" : ": " + disconnect.text());
            if (disconnect.reason() == GoodbyeReason.RELAY_LOOP && !refusedLoop && !loopReported) {
                loopReported = true;
                log.error("source {}: refused by the upstream: relay loop: {}; remove one of the --source fanout:// "
                        + "that close the loop", describe(), disconnect.text());
            }
            onControl(() -> shut(why));
        }

        @Override
        public void onError(FanoutException error) {
            if (refusedLoop || closing) {
                return;
            }
            log.warn("source {}: the upstream refused something: {}", describe(), error.getMessage());
        }

        @Override
        public void close() {
            closing = true;
            // A connect waiting for the WELCOME's listener call, which the executor shut below will not run.
            welcome.cancel(false);
            callbacks.shutdownNow();
            onControl(() -> shut("stopped"));
        }

        /** Runs {@code task} on the link's control thread, unless the link has ended already. */
        private void onControl(Runnable task) {
            try {
                control.execute(task);
            } catch (RejectedExecutionException ended) {
                // The link is over: nothing is left to close.
            }
        }

        /** Closes the client (which waits for its connection to close), then ends the link. */
        private void shut(String reason) {
            FanoutClient open = client;
            if (open != null) {
                open.close();
            }
            end(reason);
        }

        private void end(String reason) {
            callbacks.shutdownNow();
            control.shutdown();
            events.ended(reason);
        }
    }

}
