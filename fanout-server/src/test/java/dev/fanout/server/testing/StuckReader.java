package dev.fanout.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/** A client that connects and does not read (until a test says so): how a stuck or paused consumer looks. */
public final class StuckReader {

    /** Small, so the server fills the kernel's buffers, and meets its own limits, soon. */
    private static final int RECEIVE_BUFFER = 4096;

    private StuckReader() {
    }

    /**
     * Connects a socket with a small receive buffer and does not read it. A test that later reads it does so with
     * the suite's patience as the read timeout.
     */
    public static Socket connect(InetSocketAddress address) {
        try {
            Socket socket = new Socket();
            socket.setReceiveBufferSize(RECEIVE_BUFFER);
            socket.connect(address, (int) TestServer.PATIENCE.toMillis());
            socket.setSoTimeout((int) TestServer.PATIENCE.toMillis());
            return socket;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
