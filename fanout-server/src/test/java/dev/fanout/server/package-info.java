/** Tests of the server: integration tests on port 0 with real socket clients, and the options' checks. */
package dev.fanout.server;
