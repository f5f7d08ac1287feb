package dev.fanout.client;

import java.lang.System.Logger.Level;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Calls the application's {@link ClientListener}, catching and logging what it throws. Connection events go
 * through one {@link SerialExecutor}, so they arrive one at a time and in order, off the I/O thread; stream
 * events are told on the thread that takes the subscription's messages. Thread-safe.
 */
final class Events {

    private final ClientListener listener;
    private final SerialExecutor serial;

    Events(ClientListener listener, Executor pool) {
        this.listener = listener;
        this.serial = new SerialExecutor(pool);
    }

    /** Tells the listener later, on the events executor, in the order of these calls. */
    void post(Consumer<ClientListener> call) {
        serial.execute(() -> tellNow(call));
    }

    /** Runs {@code task} on the events executor, in order with the listener's events (futures complete here). */
    void run(Runnable task) {
        serial.execute(task);
    }

    /** Tells the listener now, on this thread. */
    void tellNow(Consumer<ClientListener> call) {
        try {
            call.accept(listener);
        } catch (RuntimeException | Error e) {
            ClientLog.LOG.log(Level.WARNING, "the client listener threw; ignored", e);
        }
    }

    /** Tells the listener about a stream event, now, on this thread. */
    void tellNow(StreamEvent event, Subscription subscription) {
        tellNow(l -> event.tell(l, subscription));
    }
}
