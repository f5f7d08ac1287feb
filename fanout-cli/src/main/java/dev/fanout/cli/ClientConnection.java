package dev.fanout.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;

/** Opens the client commands' sockets, turning failures into messages that say what to do next. */
final class ClientConnection {

    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    private ClientConnection() {
    }

    /**
     * Connects to {@code endpoint} with Nagle off.
     *
     * @throws CommandFailure naming the endpoint and a likely remedy
     */
    static Socket open(Endpoint endpoint, String serverHint) {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), CONNECT_TIMEOUT_MILLIS);
            return socket;
        } catch (UnknownHostException e) {
            closeQuietly(socket);
            throw new CommandFailure("unknown host '" + endpoint.host() + "'");
        } catch (ConnectException e) {
            closeQuietly(socket);
            throw new CommandFailure("cannot connect to " + endpoint + ": " + e.getMessage()
                    + "; is the server running? (" + serverHint + ")");
        } catch (IOException e) {
            closeQuietly(socket);
            // A full server resets a raw frames connection at once, sometimes before connect() returns.
            String hint = String.valueOf(e.getMessage()).contains("reset")
                    ? " (the server may be full: see its log)"
                    : "";
            throw new CommandFailure("cannot connect to " + endpoint + ": " + e.getMessage() + hint);
        }
    }

    static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Already failing: the first error is the one worth reporting.
        }
    }
}
