/** Tests of history shared in Redis by the nodes of a cluster, against a real redis-server. */
package dev.fanout.store.redis;
