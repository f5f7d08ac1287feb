/** Tests of the lines listener: chat commands and the end of a client's input, through real sockets. */
package dev.fanout.server.lines;
