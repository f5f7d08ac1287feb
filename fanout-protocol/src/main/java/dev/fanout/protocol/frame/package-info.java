/**
 * The frames protocol: a 4-byte big-endian unsigned length, then that many payload bytes.
 *
 * <pre>
 * +--------+--------+--------+--------+---------------- ... ---+
 * |        length (uint32, big-endian)| payload (length bytes) |
 * +--------+--------+--------+--------+---------------- ... ---+
 * </pre>
 *
 * <p>Every length is checked against a maximum before a single payload byte is buffered.
 */
package dev.fanout.protocol.frame;
