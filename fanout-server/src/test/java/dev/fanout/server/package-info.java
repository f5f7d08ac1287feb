/** Integration tests: the real server on port 0 with real socket clients. */
package dev.fanout.server;
