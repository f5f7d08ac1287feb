/** Tests of the hub: topics, sequence numbers, fan-out across event loops, messages and the publish backlog. */
package dev.fanout.hub;
