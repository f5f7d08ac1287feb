/** Where topics keep their history: implementations of {@link dev.fanout.hub.HistoryStore}. */
package dev.fanout.store;
