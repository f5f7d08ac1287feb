/** Control mode against a real server: protocol conformance, resume, acknowledgements, keepalive. */
package dev.fanout.server.control;
