/** Tests of the frames listener in raw mode. */
package dev.fanout.server.frames;
