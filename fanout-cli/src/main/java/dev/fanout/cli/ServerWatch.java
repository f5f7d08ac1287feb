package dev.fanout.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads and discards what a server sends to {@code pub} (a raw frames client also receives the topic) on a
 * daemon thread of its own, until the connection ends. It notes what the first bytes say about the port's
 * protocol, and how the connection ended: a clean end of stream after pub half-closed is the frames server's
 * word that it has published everything.
 */
final class ServerWatch {

    private final CompletableFuture<PortProtocol.Seen> firstBytes = new CompletableFuture<>();
    private final CompletableFuture<String> end = new CompletableFuture<>();

    private ServerWatch() {
    }

    /** Starts watching {@code socket}. */
    static ServerWatch start(Socket socket) {
        ServerWatch watch = new ServerWatch();
        Thread watcher = new Thread(() -> watch.run(socket), "fanout-pub-watcher");
        watcher.setDaemon(true);
        watcher.start();
        return watch;
    }

    private void run(Socket socket) {
        byte[] first = new byte[PortProtocol.SNIFF_BYTES];
        int length = 0;
        try {
            InputStream in = socket.getInputStream();
            try {
                while (length < first.length) {
                    int n = in.read(first, length, first.length - length);
                    if (n < 0) {
                        break;
                    }
                    length += n;
                }
            } finally {
                // Before the end is told, so whoever learns of the end also knows what the port spoke.
                firstBytes.complete(PortProtocol.classify(first, length));
            }
            byte[] sink = new byte[64 * 1024];
            while (in.read(sink) >= 0) {
                // discarded: pub only publishes
            }
            end.complete(null);
        } catch (IOException e) {
            end.complete("connection lost: " + e.getMessage());
        }
    }

    /**
     * Waits up to {@code within} for the server's first bytes and says what they are; {@link PortProtocol.Seen#SILENT}
     * if none came (a frames port with a quiet topic).
     */
    PortProtocol.Seen firstBytes(Duration within) throws InterruptedException {
        try {
            return firstBytes.get(within.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return PortProtocol.Seen.SILENT;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Whether the server has been seen to speak the lines protocol. */
    boolean sawLines() {
        return firstBytes.getNow(PortProtocol.Seen.SILENT) == PortProtocol.Seen.LINES;
    }

    /** Completes with null at a clean end of stream, or with the error that ended the connection. */
    CompletableFuture<String> end() {
        return end;
    }
}
