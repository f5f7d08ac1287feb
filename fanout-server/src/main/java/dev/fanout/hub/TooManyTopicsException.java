package dev.fanout.hub;

/** A new topic was asked for while the hub holds its maximum number of topics and none could be forgotten. */
public final class TooManyTopicsException extends PublishRefusedException {

    private static final long serialVersionUID = 1L;

    /** Names the refused topic and the limit. */
    public TooManyTopicsException(String topic, int maxTopics) {
        super(Reason.TOPIC_LIMIT, "cannot create topic '" + topic + "': the server already has " + maxTopics
                + " topics (--max-topics), each with subscribers");
    }
}
