/**
 * TLS for the listeners: the certificate and key, their reload, and the gate a connection waits at until its
 * handshake is done.
 */
package dev.fanout.server.tls;
