package dev.fanout.client;

import java.util.concurrent.Executor;

/**
 * A subscription whose messages go to a {@link MessageHandler}: each message added to the inbox becomes one
 * task of the subscription's own {@link SerialExecutor}, which takes the next item and hands it over, so
 * messages are handled one at a time and in order, off the I/O thread.
 */
final class HandlerSubscription extends SubscriptionCore {

    private final MessageHandler handler;
    private final SerialExecutor serial;

    HandlerSubscription(ClientCore client, String filter, SubscribeOptions options, MessageHandler handler,
                        Executor pool, int bufferMessages, long bufferBytes) {
        super(client, filter, options, bufferMessages, bufferBytes);
        this.handler = handler;
        this.serial = new SerialExecutor(pool);
    }

    @Override
    void added() {
        serial.execute(this::deliverNext);
    }

    private void deliverNext() {
        Object item = inbox.poll();
        if (item == null) {
            return;
        }
        if (item instanceof StreamEvent event) {
            client.events().tellNow(event, this);
            return;
        }
        Message message = (Message) item;
        deliveredOne(message);
        try {
            handler.onMessage(message);
        } catch (Throwable e) {
            if (e instanceof VirtualMachineError fatal) {
                throw fatal;
            }
            callbackErrors.incrementAndGet();
            client.callbackFailed(this, message, e);
        }
    }
}
