/**
 * The frames port's control mode: a client that opens with HELLO gets typed frames, named topics and
 * patterns, resume from history, acknowledged publishing and keepalive (docs/protocol.md).
 */
package dev.fanout.server.control;
