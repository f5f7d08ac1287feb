package dev.fanout.hub;

/**
 * A publisher's own number for one message, which lets it re-send after a lost connection without the message
 * being published twice.
 *
 * @param identity who publishes: the same across that publisher's reconnects (the client chooses it)
 * @param topic    where the message goes
 * @param id       the publisher's number for the message, positive
 */
public record PublishId(String identity, String topic, long id) {
}
