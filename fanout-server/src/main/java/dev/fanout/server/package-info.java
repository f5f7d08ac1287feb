/**
 * The fanout server: {@link dev.fanout.server.FanoutServer} binds the listeners, owns the event loops and the
 * hub, and shuts everything down in order. Options are immutable and checked when built.
 */
package dev.fanout.server;
