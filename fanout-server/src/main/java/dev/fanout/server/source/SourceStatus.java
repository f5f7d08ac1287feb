package dev.fanout.server.source;

import java.time.Instant;

/**
 * A snapshot of a source.
 *
 * @param describe  how it is named, without secrets
 * @param state     what it does now
 * @param detail    more about the state, for people: the upstream's address, why it was lost, when it retries
 * @param since     when it entered the state
 * @param messages  messages published since the server started
 * @param connects  connections (or runs of its command) made since the server started
 * @param lastHeard when its upstream last sent anything, or null if never
 */
public record SourceStatus(String describe, SourceState state, String detail, Instant since, long messages,
                           long connects, Instant lastHeard) {
}
