package dev.fanout.hub;

/**
 * The publish path refused a message: the future of a publish fails with this, and the reason says why in a
 * form protocols map to their own error codes. Nothing of the message was kept.
 */
public class PublishRefusedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why a message was refused. */
    public enum Reason {
        /** The topic is new and the server holds its maximum number of topics. */
        TOPIC_LIMIT,
        /** The position asked for does not follow the topic's last (a relay's publish). */
        OUT_OF_ORDER,
        /** The history store failed; the publisher may try again later. */
        UNAVAILABLE
    }

    private final Reason reason;

    /** A refusal for {@code reason}, explained by {@code message}. */
    public PublishRefusedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** Why it was refused. */
    public Reason reason() {
        return reason;
    }
}
