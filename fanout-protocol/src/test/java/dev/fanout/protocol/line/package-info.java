/** Tests of the lines codec. */
package dev.fanout.protocol.line;
