/** The test fixture: a real server on port 0 and real socket clients for each protocol. */
package dev.fanout.server.testing;
