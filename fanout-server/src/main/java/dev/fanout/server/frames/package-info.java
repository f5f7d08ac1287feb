/**
 * The frames listener in raw mode: a client that connects receives every message of the default topic as
 * one length-prefixed frame holding exactly the payload, and the frames it sends are published there.
 */
package dev.fanout.server.frames;
