/**
 * Sources: streams from outside the server that feed a topic. Each runs on a thread of its own, so a
 * blocking read never holds an event loop, and pauses while the hub's publish backlog is full.
 */
package dev.fanout.server.source;
