/** Tests of the frames codec. */
package dev.fanout.protocol.frame;
