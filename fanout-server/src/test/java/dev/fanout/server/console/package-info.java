/** Tests of the operator console. */
package dev.fanout.server.console;
