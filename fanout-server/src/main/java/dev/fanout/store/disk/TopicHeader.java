package dev.fanout.store.disk;

/**
 * A topic's numbering as a {@link LogRecord#TOPIC} record gives it: from it on, the topic holds nothing and numbers
 * its next message {@code next}.
 *
 * @param epoch        the topic's epoch
 * @param epochFirst   the first sequence number of the epoch: what was before it never existed here
 * @param next         the sequence number the next message gets
 * @param goneAtMillis when the newest message of the epoch let go was published; {@link Long#MIN_VALUE} if none
 */
record TopicHeader(long epoch, long epochFirst, long next, long goneAtMillis) {

    /** A fresh epoch: numbering starts at {@code next}, nothing of it gone. */
    static TopicHeader fresh(long epoch, long next) {
        return new TopicHeader(epoch, next, next, Long.MIN_VALUE);
    }
}
