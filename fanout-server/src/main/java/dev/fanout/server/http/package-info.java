/**
 * The HTTP listener ({@code --http-port}, 7080 by default): {@code /health}, {@code /metrics}, {@code /stats} and
 * the operator's actions, on the server's own event loops, under the same bind, TLS, connection and auth rules as
 * the other listeners.
 */
package dev.fanout.server.http;
