package dev.fanout.store;

import dev.fanout.hub.HistoryStore;

/** History this server keeps itself, in memory or on its disk, within {@link HistoryLimits}. */
public interface LocalHistory extends HistoryStore {

    /** What all topics hold now, as counted against {@link HistoryLimits#totalBytes()}. */
    long bytes();

    /** What {@code topic} holds now, as counted against {@link HistoryLimits#maxBytes()}; 0 for one it does not. */
    long bytes(String topic);

    /** Messages let go since start because all topics together held more than the total bound. */
    long trimmedForTotal();

    /** The bounds. */
    HistoryLimits limits();
}
