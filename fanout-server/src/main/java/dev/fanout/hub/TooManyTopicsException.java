package dev.fanout.hub;

/** A new topic was asked for while the hub already holds its maximum number of topics. */
public final class TooManyTopicsException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Names the refused topic and the limit. */
    public TooManyTopicsException(String topic, int maxTopics) {
        super("cannot create topic '" + topic + "': the server already has " + maxTopics
                + " topics (--max-topics)");
    }
}
