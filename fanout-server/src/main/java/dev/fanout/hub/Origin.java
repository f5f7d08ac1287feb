package dev.fanout.hub;

/**
 * Who published a message: a client (by its number and name), a source, or the operator. A subscriber never
 * receives its own messages back: delivery skips the subscriber whose {@link Subscriber#id()} equals
 * {@link #clientId()}.
 *
 * @param clientId the publishing client's number, or {@link #NO_CLIENT} for sources and the operator
 * @param name     the name shown to people, e.g. {@code alice} or {@code stdin}
 */
public record Origin(long clientId, String name) {

    /** The client id of messages that no client published. */
    public static final long NO_CLIENT = 0;

    /** The origin of messages the operator sends from the console. */
    public static final Origin OPERATOR = new Origin(NO_CLIENT, "operator");

    /** An origin that is not a client, such as a source. */
    public static Origin of(String name) {
        return new Origin(NO_CLIENT, name);
    }
}
