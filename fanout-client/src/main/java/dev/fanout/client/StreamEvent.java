package dev.fanout.client;

/**
 * Something a subscription reports in its stream, between two messages: a gap or a reset. Carried through
 * the subscription's {@link Inbox} so the application hears of it in order, on the thread that takes the
 * messages.
 */
sealed interface StreamEvent {

    /** Tells {@code listener} about it. */
    void tell(ClientListener listener, Subscription subscription);

    /** A gap: messages the server no longer holds. */
    record Gap(GapEvent gap) implements StreamEvent {
        @Override
        public void tell(ClientListener listener, Subscription subscription) {
            listener.onGap(subscription, gap);
        }
    }

    /** A reset: the topic's numbering started again. */
    record Reset(ResetEvent reset) implements StreamEvent {
        @Override
        public void tell(ClientListener listener, Subscription subscription) {
            listener.onReset(subscription, reset);
        }
    }
}
