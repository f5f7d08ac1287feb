package dev.fanout.bench;

/** Receives each acknowledgement a publisher connection decodes. Called on that connection's event loop. */
@FunctionalInterface
interface AckSink {

    /** What {@link #onAck} is given where the server's reply does not name the publish it answers. */
    long IN_ORDER = 0;

    /**
     * The server acknowledged a publish: {@code publishId} is the id the reply names (fanout's ACK), or
     * {@link #IN_ORDER} where replies name none and come in the order of the publishes (Redis, NATS).
     */
    void onAck(long publishId);
}
