/**
 * The fanout client library: a connection to a fanout server's frames port in control mode, with
 * acknowledged publishing, subscriptions that resume across reconnects without losing or repeating a message
 * the server still holds, and bounded buffers. {@link dev.fanout.client.FanoutClient} is where to start;
 * {@code docs/client.md} explains the threading, reconnect and buffer rules.
 *
 * <p>Only the types users hold are public; the connection's machinery is package-private. Netty buffers never
 * leave this package: messages reach the application as {@code byte[]} it owns.
 */
package dev.fanout.client;
