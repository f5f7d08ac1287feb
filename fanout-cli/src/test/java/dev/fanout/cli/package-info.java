/** Tests of the fanout command line: parsing and options in process, several running it as a real process. */
package dev.fanout.cli;
