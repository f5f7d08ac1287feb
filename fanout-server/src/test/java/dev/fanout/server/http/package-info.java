/** Tests of the HTTP listener: health, metrics, stats, operator actions, its limits and its auth. */
package dev.fanout.server.http;
