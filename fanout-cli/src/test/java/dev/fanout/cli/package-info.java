/** Tests of the fanout command line, several of them running it as a real process. */
package dev.fanout.cli;
