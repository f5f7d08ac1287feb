/** Tests of the load generator, against real servers. */
package dev.fanout.bench;
