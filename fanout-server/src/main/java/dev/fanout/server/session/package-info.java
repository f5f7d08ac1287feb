/**
 * Client sessions of every protocol: identity, subscriptions, the bounded outbound queue with its
 * slow-consumer policy, close reasons, and admission limits.
 */
package dev.fanout.server.session;
