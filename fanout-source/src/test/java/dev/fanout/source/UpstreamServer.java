package dev.fanout.source;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upstream TCP server as the tutorials write one: a blocking accept loop, a thread per connection that
 * writes its stream. Counts the connections it accepted and the most open at once. It can be stopped (its
 * port and every connection closed) and started again on the same port.
 */
final class UpstreamServer implements AutoCloseable {

    /** What the server does with one accepted connection, on a thread of its own. */
    interface Handler {
        void serve(Socket connection) throws IOException, InterruptedException;
    }

    private final Handler handler;
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger mostOpen = new AtomicInteger();
    private final List<Socket> connections = new CopyOnWriteArrayList<>();
    private volatile ServerSocket listener;
    private int port;

    private UpstreamServer(Handler handler) {
        this.handler = handler;
    }

    /** Listens on a free port of 127.0.0.1 and serves each connection with {@code handler}. */
    static UpstreamServer start(Handler handler) {
        UpstreamServer server = new UpstreamServer(handler);
        server.listen(0);
        return server;
    }

    private void listen(int onPort) {
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort));
            listener = socket;
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ServerSocket current = listener;
        Thread acceptor = new Thread(() -> acceptLoop(current), "upstream-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void acceptLoop(ServerSocket socket) {
        while (!socket.isClosed()) {
            Socket connection;
            try {
                connection = socket.accept();
            } catch (IOException e) {
                return;
            }
            accepted.incrementAndGet();
            mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
            connections.add(connection);
            Thread worker = new Thread(() -> {
                try (connection) {
                    handler.serve(connection);
                } catch (IOException | InterruptedException e) {
                    // The source closed it, or the test stopped the server.
                } finally {
                    open.decrementAndGet();
                    connections.remove(connection);
                }
            }, "upstream-connection");
            worker.setDaemon(true);
            worker.start();
        }
    }

    /** The sources' address for it: {@code tcp://127.0.0.1:PORT}. */
    String tcp() {
        return "tcp://127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    /** Connections accepted since it was made. */
    int accepted() {
        return accepted.get();
    }

    /** Connections open now. */
    int open() {
        return open.get();
    }

    /** The most connections that were open at once. */
    int mostOpen() {
        return mostOpen.get();
    }

    /** Closes the port and every connection, as an upstream that went down. */
    void stop() {
        try {
            listener.close();
            for (Socket connection : connections) {
                connection.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Listens again on the same port. */
    void restart() {
        listen(port);
    }

    @Override
    public void close() {
        stop();
    }
}
