package dev.fanout.hub;

import dev.fanout.protocol.Causes;
import java.util.concurrent.CompletionException;

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
        UNAVAILABLE,
        /** The topic is fed by a source and clients may not publish to it. */
        READ_ONLY
    }

    private final Reason reason;

    /** A refusal for {@code reason}, explained by {@code message}. */
    public PublishRefusedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** The failure a publish's future reports, unwrapped from the {@link CompletionException} a stage adds. */
    public static Throwable cause(Throwable failure) {
        return Causes.unwrapped(failure);
    }

    /** True if {@code failure} is a refusal for {@code reason}. */
    public static boolean is(Throwable failure, Reason reason) {
        return cause(failure) instanceof PublishRefusedException refused && refused.reason == reason;
    }

    /** Why it was refused. */
    public Reason reason() {
        return reason;
    }
}
