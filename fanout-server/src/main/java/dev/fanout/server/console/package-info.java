/**
 * The operator console: commands typed at the server's own terminal to list clients, speak to one of them
 * or to all, remove one, show counters and shut down.
 */
package dev.fanout.server.console;
