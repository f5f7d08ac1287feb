/** Tests of the load generator: its wires, byte by byte and against the real servers, and whole runs. */
package dev.fanout.bench;
