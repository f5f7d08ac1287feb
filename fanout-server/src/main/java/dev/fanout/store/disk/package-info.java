/**
 * History on local disk ({@code fanout serve --data-dir}): one append-only log of records for all topics, in
 * segments, with an index in memory per topic, crash recovery by scanning the log, and rewrites that keep the
 * disk bounded. Its design and the choices behind it: {@code docs/design-notes.md}.
 */
package dev.fanout.store.disk;
