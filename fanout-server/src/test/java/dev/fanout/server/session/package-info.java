/** Tests of sessions: the outbound queue and its slow-consumer policies, and the connection limits. */
package dev.fanout.server.session;
