/**
 * Control mode of the frames protocol, version 1: typed frames for topics, subscriptions with resume points,
 * acknowledged publishing, keepalive, errors and goodbyes. A connection enters it when the client's first
 * frame is a HELLO; from then on every frame body, both ways, starts with a type byte.
 *
 * <pre>
 * +--------+--------+--------+--------+--------+----------------- ... ---+
 * |   length (u32, big-endian)        |  type  | fields of the type      |
 * +--------+--------+--------+--------+--------+----------------- ... ---+
 * </pre>
 *
 * <p>Integers are big-endian; a {@code str} is a u16 byte length and that much UTF-8; PUB and MSG end with
 * their payload (the rest of the body). {@code docs/protocol.md} lays out every frame byte by byte.
 *
 * <p>{@link dev.fanout.protocol.control.ControlCodec} encodes and decodes; the records of
 * {@link dev.fanout.protocol.control.ControlFrame} are the frames; {@link dev.fanout.protocol.control.TopicNames}
 * holds the topic and pattern rules; {@link dev.fanout.protocol.control.ControlFrameDecoder} and
 * {@link dev.fanout.protocol.control.ControlFrameEncoder} put the codec in a pipeline, after a
 * {@link dev.fanout.protocol.frame.FrameDecoder}.
 */
package dev.fanout.protocol.control;
