package dev.fanout.server.testing;

import dev.fanout.protocol.frame.FrameReader;
import dev.fanout.protocol.frame.FrameWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A blocking raw frames client, as a user's 20-line program would be. Not thread-safe. */
public final class RawClient implements AutoCloseable {

    private final Socket socket;
    private final FrameReader reader;
    private final FrameWriter writer;

    private RawClient(Socket socket) throws IOException {
        this.socket = socket;
        this.reader = new FrameReader(socket.getInputStream(), 16 * 1024 * 1024);
        this.writer = new FrameWriter(socket.getOutputStream());
    }

    /** Connects to a frames listener. */
    public static RawClient connect(InetSocketAddress address) {
        return connect(address, 0);
    }

    /** Connects to a frames listener with a receive buffer of {@code receiveBuffer} bytes (0: the system's). */
    public static RawClient connect(InetSocketAddress address, int receiveBuffer) {
        try {
            Socket socket = new Socket();
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer);
            }
            socket.setTcpNoDelay(true);
            socket.connect(address, 10_000);
            socket.setSoTimeout((int) TestServer.PATIENCE.toMillis());
            return new RawClient(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A raw client on a socket already connected (a TLS one, say). */
    public static RawClient over(Socket socket) {
        try {
            socket.setSoTimeout((int) TestServer.PATIENCE.toMillis());
            return new RawClient(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends one frame and flushes. */
    public void send(byte[] payload) throws IOException {
        writer.write(payload);
        writer.flush();
    }

    /** Sends one frame holding {@code text} in UTF-8 and flushes. */
    public void send(String text) throws IOException {
        send(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads the next payload (null at end of stream); fails after the patience runs out. */
    public byte[] read() throws IOException {
        return reader.read();
    }

    /** Reads the next payload as UTF-8 text. */
    public String readText() throws IOException {
        byte[] payload = read();
        return payload == null ? null : new String(payload, StandardCharsets.UTF_8);
    }

    /** The socket, for tests that write raw bytes or half-close. */
    public Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
