/**
 * The load generator behind {@code fanout bench}: the same load shapes (fan-out, fan-in, a chat room) against
 * fanout (raw and control mode), NATS and Redis pub/sub, spoken to directly over sockets. It checks every message
 * it receives (lost, duplicated, out of order) and measures latency from a send time carried in each payload.
 */
package dev.fanout.bench;
