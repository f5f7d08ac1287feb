package dev.fanout.server.testing;

import static org.awaitility.Awaitility.await;

import dev.fanout.hub.Topic;
import dev.fanout.server.FanoutServer;
import dev.fanout.server.ServerOptions;
import dev.fanout.server.session.Session;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * A real fanout server on free ports of 127.0.0.1, and the clients a test opened against it; closing it
 * closes them all, then the server. Use in try-with-resources or from {@code @AfterEach}.
 */
public final class TestServer implements AutoCloseable {

    /** How long tests wait for a condition before failing. */
    public static final Duration PATIENCE = Duration.ofSeconds(30);

    private final FanoutServer server;
    private final List<AutoCloseable> clients = new CopyOnWriteArrayList<>();

    private TestServer(FanoutServer server) {
        this.server = server;
    }

    /** Starts a server with default options but for ports 0 and IPv4 loopback only. */
    public static TestServer start() {
        return start(UnaryOperator.identity());
    }

    /** Starts a server on ports 0 of IPv4 loopback, with {@code options} applied on top. */
    public static TestServer start(UnaryOperator<ServerOptions.Builder> options) {
        ServerOptions.Builder builder = ServerOptions.builder()
                .hosts(List.of("127.0.0.1"))
                .framesPort(0)
                .linesPort(0)
                .httpPort(0)
                .drainTimeout(Duration.ofSeconds(5));
        return new TestServer(new FanoutServer(options.apply(builder).build()).start());
    }

    /** The server itself, for assertions on its state. */
    public FanoutServer server() {
        return server;
    }

    /** Where the frames listener is. */
    public InetSocketAddress frames() {
        return server.framesAddress();
    }

    /** Where the lines listener is. */
    public InetSocketAddress lines() {
        return server.linesAddress();
    }

    /** Where the HTTP listener is. */
    public InetSocketAddress http() {
        return server.httpAddress();
    }

    /** Connects a raw frames client and waits until its session exists and subscribes the default topic. */
    public RawClient rawClient() {
        int before = server.sessions().size();
        Topic stream = server.hub().find(server.hub().defaultTopic());
        int subscribedBefore = stream.subscriberCount();
        RawClient client = track(RawClient.connect(frames()));
        await().atMost(PATIENCE).until(() -> server.sessions().size() > before
                && stream.subscriberCount() > subscribedBefore);
        return client;
    }

    /** Connects a lines client and reads its greeting. */
    public LineClient lineClient() {
        LineClient client = track(LineClient.connect(lines()));
        client.awaitLine(line -> line.contains("welcome to"));
        return client;
    }

    /** Connects a lines client, reads its greeting and takes the name {@code name} with {@code /nick}. */
    public LineClient lineClient(String name) throws IOException {
        LineClient client = lineClient();
        client.send("/nick " + name);
        client.awaitLine("*** you are now known as " + name);
        return client;
    }

    /** The server's session for a client socket, found by its address (numbers follow activation order). */
    public Session sessionOf(Socket client) {
        return server.sessions().all().stream()
                .filter(session -> session.remoteAddress().equals(client.getLocalSocketAddress()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no session for " + client.getLocalSocketAddress()));
    }

    /** Registers a client to be closed with the server. */
    public <T extends AutoCloseable> T track(T client) {
        clients.add(client);
        return client;
    }

    /** Waits until {@code n} sessions are live. */
    public void awaitSessions(int n) {
        await().atMost(PATIENCE).until(() -> server.sessions().size() == n);
    }

    @Override
    public void close() {
        for (AutoCloseable client : clients) {
            try {
                client.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        server.close();
    }
}
