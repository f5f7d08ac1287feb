/**
 * JMH benchmarks of the server's hot steps, measured in process: decoding and encoding frames and lines, and the
 * hub's fan-out of a burst to many subscribers. Test sources, so JMH stays out of the shipped jar; run them
 * with {@code bench/jmh}, and see docs/performance.md for how to read the figures.
 */
package dev.fanout.bench.jmh;
