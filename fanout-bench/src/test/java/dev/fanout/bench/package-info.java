/**
 * Tests of the load generator's wires: codec tests over {@code EmbeddedChannel}, and integration tests against
 * real NATS and Redis servers run as child processes ({@code ExternalServer}).
 */
package dev.fanout.bench;
