/**
 * Wire formats shared by the fanout server, its command-line clients and its tests.
 *
 * <p>{@link dev.fanout.protocol.frame} holds the length-prefixed frames protocol,
 * {@link dev.fanout.protocol.control} the typed frames of its control mode, and {@link dev.fanout.protocol.line}
 * the UTF-8 lines protocol. See {@code docs/protocol.md} for the byte layouts.
 */
package dev.fanout.protocol;
