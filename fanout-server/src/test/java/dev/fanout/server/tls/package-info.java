/** Tests of TLS on the listeners: handshakes, refusals, client certificates and reloads. */
package dev.fanout.server.tls;
