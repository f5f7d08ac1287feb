/** Tests of the client library: unit tests of its parts, and the real client against the real server. */
package dev.fanout.client;
