/** Tests of {@code /ws}: control mode in JSON over a real WebSocket, with Netty's WebSocket client. */
package dev.fanout.server.websocket;
