/**
 * {@code /ws}: browsers and other WebSocket clients speak control mode in JSON text messages, with the same topics,
 * resume, logins, permissions, limits and slow-consumer rules as control-mode TCP clients.
 */
package dev.fanout.server.websocket;
