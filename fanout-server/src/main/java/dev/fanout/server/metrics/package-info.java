/** {@code /metrics}: the server's counters and gauges in Prometheus's text format, through Micrometer. */
package dev.fanout.server.metrics;
