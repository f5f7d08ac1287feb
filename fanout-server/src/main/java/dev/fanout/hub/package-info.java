/**
 * The hub: topics, messages and the fan-out of each published message to its subscribers.
 *
 * <p>Everything that publishes (clients of any protocol, sources, the operator) goes through
 * {@link dev.fanout.hub.Hub#publish}. Each message is encoded at most once per wire format and the bytes
 * are shared by every recipient. A topic hands a message to each event loop that has subscribers once,
 * and that loop writes it to all of its own subscribers and flushes each once per batch.
 */
package dev.fanout.hub;
