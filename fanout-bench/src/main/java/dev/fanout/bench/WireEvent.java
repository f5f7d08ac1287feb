package dev.fanout.bench;

/**
 * What a wire's handlers tell the handlers after them, through {@code userEventTriggered} on the connection's
 * event loop. Nothing needs to listen: unhandled, an event ends harmlessly at the pipeline's tail.
 */
enum WireEvent {

    /**
     * The server has taken a subscription into effect. NATS: a {@code PONG}, which answers the {@code PING}
     * sent right after {@code SUB}, so everything sent before it has been processed. Redis: the
     * {@code subscribe} confirmation. fanout's control mode: the SUBSCRIBED frame.
     */
    SUBSCRIBED
}
