package dev.fanout.server.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A lines client, as telnet would be: a reader thread collects every line the server sends, so a test can
 * write and read at the same time. Thread-safe.
 */
public final class LineClient implements AutoCloseable {

    /** Put on the queue when the server closes the connection. */
    public static final String END = "\u0000end-of-stream";

    private final Socket socket;
    private final OutputStream out;
    private final LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();

    private LineClient(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        Thread reader = new Thread(this::readLines, "line-client-" + socket.getLocalPort());
        reader.setDaemon(true);
        reader.start();
    }

    /** Connects to a lines listener. */
    public static LineClient connect(InetSocketAddress address) {
        try {
            Socket socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(address, 10_000);
            return new LineClient(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads lines from an already connected socket. */
    public static LineClient over(Socket socket) {
        try {
            return new LineClient(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void readLines() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                received.add(line);
            }
        } catch (IOException e) {
            // The connection ended; END below says so.
        }
        received.add(END);
    }

    /** Sends {@code text} and a newline. */
    public void send(String text) throws IOException {
        sendRaw((text + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Sends bytes exactly as given. */
    public synchronized void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /**
     * Returns the next line that matches, skipping the others; fails if none arrives within the patience or
     * the connection ends first.
     */
    public String awaitLine(Predicate<String> matching) {
        long deadline = System.nanoTime() + TestServer.PATIENCE.toNanos();
        List<String> skipped = new ArrayList<>();
        while (true) {
            String line;
            try {
                line = received.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
            if (line == null) {
                throw new AssertionError("no matching line within " + TestServer.PATIENCE + "; saw " + skipped);
            }
            if (line.equals(END) && !matching.test(line)) {
                throw new AssertionError("connection ended before a matching line; saw " + skipped);
            }
            if (matching.test(line)) {
                return line;
            }
            skipped.add(line);
        }
    }

    /** Waits for a line equal to {@code expected}. */
    public String awaitLine(String expected) {
        return awaitLine(expected::equals);
    }

    /** Waits until the server closes the connection; returns every line seen on the way. */
    public List<String> awaitEnd() {
        List<String> seen = new ArrayList<>();
        awaitLine(line -> {
            if (line.equals(END)) {
                return true;
            }
            seen.add(line);
            return false;
        });
        return seen;
    }

    /** Lines received but not yet taken, without waiting. */
    public List<String> drain() {
        List<String> out = new ArrayList<>();
        received.drainTo(out);
        return out;
    }

    /** The socket, for tests that need it. */
    public Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
