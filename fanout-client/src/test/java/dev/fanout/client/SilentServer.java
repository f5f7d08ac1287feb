package dev.fanout.client;

import dev.fanout.protocol.control.ControlCodec;
import dev.fanout.protocol.control.ControlFrame;
import dev.fanout.protocol.frame.FrameReader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
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
 * A scripted peer that answers HELLO with WELCOME and then never says another word, however it is pinged:
 * a server that hangs. Bounded: at most {@link #MAX_CONNECTIONS} connections, one thread each, every read
 * with a timeout.
 */
final class SilentServer implements AutoCloseable {

    private static final int MAX_CONNECTIONS = 8;

    private final ServerSocket listener;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger welcomed = new AtomicInteger();

    SilentServer() {
        try {
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::acceptLoop, "silent-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    InetSocketAddress address() {
        return new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort());
    }

    /** Connections that got their WELCOME. */
    int welcomed() {
        return welcomed.get();
    }

    private void acceptLoop() {
        for (int i = 0; i < MAX_CONNECTIONS; i++) {
            try {
                Socket socket = listener.accept();
                sockets.add(socket);
                socket.setSoTimeout((int) Patience.WAIT.toMillis());
                Thread thread = new Thread(() -> serve(socket), "silent-peer");
                thread.setDaemon(true);
                thread.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            FrameReader reader = new FrameReader(socket.getInputStream(), 1 << 20);
            reader.read();
            ByteBuf welcome = ControlCodec.encode(ByteBufAllocator.DEFAULT, new ControlFrame.Welcome(
                    ControlCodec.VERSION, 1, "silent", "0", 1 << 20, 1 << 20, 60_000, 10_000, List.of()));
            try {
                byte[] bytes = new byte[welcome.readableBytes()];
                welcome.readBytes(bytes);
                socket.getOutputStream().write(bytes);
                socket.getOutputStream().flush();
            } finally {
                welcome.release();
            }
            welcomed.incrementAndGet();
            while (reader.read() != null) {
                // PINGs and all: heard, never answered.
            }
        } catch (IOException e) {
            // Closed by the client or the test.
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
