package dev.fanout.cli;

import dev.fanout.client.ClientTls;
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
     * Connects to {@code endpoint} with Nagle off, over {@code tls} unless it is null.
     *
     * @throws CommandFailure naming the endpoint and a likely remedy
     */
    static Socket open(Endpoint endpoint, String serverHint, ClientTls tls) {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), CONNECT_TIMEOUT_MILLIS);
        } catch (IOException e) {
            closeQuietly(socket);
            throw failure(endpoint, serverHint, e);
        }
        if (tls == null) {
            return socket;
        }
        try {
            socket.setSoTimeout(CONNECT_TIMEOUT_MILLIS);
            Socket secured = tls.wrap(socket, endpoint.host(), endpoint.port());
            socket.setSoTimeout(0);
            return secured;
        } catch (IOException e) {
            closeQuietly(socket);
            String why = ClientTls.explain(e);
            throw new CommandFailure("TLS with " + endpoint + " failed: " + (why != null ? why : e.getMessage()
                    + " (is it a fanout server with --tls-cert?)"));
        }
    }

    private static CommandFailure failure(Endpoint endpoint, String serverHint, IOException e) {
        if (e instanceof UnknownHostException) {
            return new CommandFailure("unknown host '" + endpoint.host() + "'");
        }
        if (e instanceof ConnectException) {
            return new CommandFailure("cannot connect to " + endpoint + ": " + e.getMessage()
                    + "; is the server running? (" + serverHint + ")");
        }
        // A full server resets a raw frames connection at once, sometimes before connect() returns.
        String hint = String.valueOf(e.getMessage()).contains("reset") ? " (the server may be full: see its log)" : "";
        return new CommandFailure("cannot connect to " + endpoint + ": " + e.getMessage() + hint);
    }

    static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Already failing: the first error is the one worth reporting.
        }
    }
}
