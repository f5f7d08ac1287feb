/**
 * Sources: what feeds a server from outside. {@link dev.fanout.source.SourceSpec} reads a {@code --source}
 * argument, {@link dev.fanout.source.Sources} makes the source it names, and a
 * {@link dev.fanout.source.SupervisedSource} holds that source's one upstream connection: it reconnects with
 * backoff, reports each state change once, and stops without waiting on a blocked read.
 */
package dev.fanout.source;
