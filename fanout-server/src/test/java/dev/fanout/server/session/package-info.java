/**
 * Tests of sessions: the outbound queue and its slow-consumer policies, the server-wide queue budget, and the
 * connection limits.
 */
package dev.fanout.server.session;
