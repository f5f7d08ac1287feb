/** Tests of sources: standard input cut into messages, and the runner that publishes them. */
package dev.fanout.server.source;
