package dev.fanout.bench;

/**
 * What the subscribers connected to one server received, in a run whose subscribers were spread over several
 * ({@link Placement}): with fanout nodes of one cluster, whether each node delivered everything, not just the
 * total.
 *
 * @param address     the server
 * @param subscribers subscribers connected to it (stuck ones not counted)
 * @param expected    deliveries that should have happened to them: sent x subscribers
 * @param received    deliveries that happened
 * @param lost        deliveries that never happened
 * @param outOfOrder  deliveries that came out of order or twice
 */
public record NodeDeliveries(Address address, int subscribers, long expected, long received, long lost,
                             long outOfOrder) {

    /** True when each of these subscribers got every message, once and in order. */
    public boolean clean() {
        return lost == 0 && outOfOrder == 0 && received == expected;
    }
}
