/**
 * History in Redis, shared by the nodes of a cluster ({@code fanout serve --redis}): one Lua script numbers,
 * keeps and publishes each message atomically, and every node delivers what Redis publishes back, in one order.
 */
package dev.fanout.store.redis;
