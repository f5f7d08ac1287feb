/**
 * The lines listener: chat for people with telnet or nc, and a plain text interface for scripts. Rooms are
 * topics; a plain line is published to the client's room; {@code /}-commands do the rest.
 */
package dev.fanout.server.lines;
