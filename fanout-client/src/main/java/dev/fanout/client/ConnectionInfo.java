package dev.fanout.client;

import java.net.SocketAddress;
import java.util.Map;

/**
 * What the server said about itself and the client when a connection was made (its WELCOME). Immutable.
 *
 * @param clientId      the client's number on that server; a new one on each connection
 * @param serverName    the server's name
 * @param serverVersion the server's version
 * @param maxPayload    the largest payload the server accepts in a publish, in bytes
 * @param remoteAddress the address connected to
 * @param options       the WELCOME's options (see {@code WelcomeOptions}), the first value of each key
 */
public record ConnectionInfo(long clientId, String serverName, String serverVersion, int maxPayload,
                             SocketAddress remoteAddress, Map<String, String> options) {
}
