/**
 * The {@code fanout} command: {@code serve} runs the server, {@code sub}, {@code pub} and {@code chat} are
 * its clients. A thin layer: it parses options, builds the server's options and starts things.
 */
package dev.fanout.cli;
