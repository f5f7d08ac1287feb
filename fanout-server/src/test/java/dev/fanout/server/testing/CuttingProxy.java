package dev.fanout.server.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on loopback between the client and the server, for tests that break connections: it can cut
 * every connection it carries, and hold back what the server sends (so that the client never hears an ACK).
 * Bounded: two pump threads per connection, an 8 KiB buffer each, and at most {@link #MAX_CONNECTIONS}
 * connections over its life. Every socket has a read timeout, so no thread outlives a broken test for long.
 */
public final class CuttingProxy implements AutoCloseable {

    private static final int MAX_CONNECTIONS = 64;

    private final InetSocketAddress upstream;
    private final ServerSocket listener;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final Object gate = new Object();
    private volatile boolean holding;
    /** Guarded by gate: connections (by their number) whose downstream is held. */
    private final Set<Integer> heldConnections = new HashSet<>();
    private volatile boolean closed;

    public CuttingProxy(InetSocketAddress upstream) {
        this.upstream = upstream;
        try {
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::acceptLoop, "proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Where clients connect. */
    public InetSocketAddress address() {
        return new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort());
    }

    /** Connections accepted so far. */
    public int accepted() {
        return accepted.get();
    }

    /** Connections open now. */
    public int open() {
        return sockets.size() / 2;
    }

    /** Stops (true) or resumes (false) forwarding what the server sends; the client's bytes still go through. */
    public void holdDownstream(boolean hold) {
        synchronized (gate) {
            holding = hold;
            gate.notifyAll();
        }
    }

    /**
     * Stops (true) or resumes (false) forwarding what the server sends on one connection only, the
     * {@code connection}th accepted (from 1): the others go on, as when one of a client's connections silently
     * stops delivering while the rest work.
     */
    public void holdDownstreamOf(int connection, boolean hold) {
        synchronized (gate) {
            if (hold) {
                heldConnections.add(connection);
            } else {
                heldConnections.remove(connection);
            }
            gate.notifyAll();
        }
    }

    /** Cuts every connection it carries, both ways, at once. */
    public void cutAll() {
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
        sockets.clear();
    }

    private void acceptLoop() {
        while (!closed && accepted.get() < MAX_CONNECTIONS) {
            try {
                Socket client = listener.accept();
                int number = accepted.incrementAndGet();
                Socket server = new Socket();
                server.connect(upstream, 5_000);
                for (Socket s : List.of(client, server)) {
                    s.setTcpNoDelay(true);
                    s.setSoTimeout((int) TestServer.PATIENCE.toMillis() * 2);
                    sockets.add(s);
                }
                pump(client, server, 0);
                pump(server, client, number);
            } catch (IOException e) {
                if (!closed) {
                    continue;
                }
                return;
            }
        }
    }

    /** Copies {@code from} to {@code to}; {@code downstream} is the connection's number, 0 for upstream. */
    private void pump(Socket from, Socket to, int downstream) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    if (downstream > 0) {
                        awaitGate(downstream);
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // Cut, closed or timed out: the other side goes too.
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
            }
        }, downstream > 0 ? "proxy-down" : "proxy-up");
        thread.setDaemon(true);
        thread.start();
    }

    private void awaitGate(int connection) throws InterruptedException, SocketException {
        synchronized (gate) {
            long deadline = System.nanoTime() + TestServer.PATIENCE.toNanos();
            while ((holding || heldConnections.contains(connection)) && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new SocketException("held too long");
                }
                gate.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing is all that was wanted.
        }
    }

    @Override
    public void close() {
        closed = true;
        holdDownstream(false);
        try {
            listener.close();
        } catch (IOException ignored) {
            // Closing is all that was wanted.
        }
        cutAll();
    }
}
