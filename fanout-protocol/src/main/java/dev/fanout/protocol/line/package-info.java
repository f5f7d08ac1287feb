/**
 * The lines protocol: UTF-8 text, one message per line, ended by {@code \n} (a {@code \r} before it is
 * dropped). Telnet commands are taken out of the text first; lines are then checked for length, UTF-8
 * validity and control characters; a bad line is reported, not fatal. See {@code docs/protocol.md}.
 */
package dev.fanout.protocol.line;
