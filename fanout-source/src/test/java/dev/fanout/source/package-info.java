/** Tests of the sources: each against a real upstream (a TCP server, an HTTP server, a command) and a real server. */
package dev.fanout.source;
