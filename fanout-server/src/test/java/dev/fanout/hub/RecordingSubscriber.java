package dev.fanout.hub;

import io.netty.channel.EventLoop;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A subscriber for tests: records a copy of every message it is given (the message itself is only valid
 * during the call) and counts the batches it is told about. Thread-safe.
 */
final class RecordingSubscriber implements Subscriber {

    /** What one delivery carried, copied out of the message. */
    record Received(String topic, long sequence, String text, String from, long publishedAtMillis,
                    boolean onOwnLoop) {
    }

    private final long id;
    private final String name;
    private final EventLoop loop;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger batches = new AtomicInteger();

    RecordingSubscriber(long id, String name, EventLoop loop) {
        this.id = id;
        this.name = name;
        this.loop = loop;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public EventLoop eventLoop() {
        return loop;
    }

    @Override
    public int deliver(Batch batch) {
        List<Message> mine = batch.messagesFor(id);
        for (Message message : mine) {
            String text = message.payload().toString(StandardCharsets.UTF_8);
            received.add(new Received(message.topic(), message.sequence(), text, message.origin().name(),
                    message.publishedAtMillis(), loop.inEventLoop()));
        }
        return mine.size();
    }

    @Override
    public void endOfBatch() {
        batches.incrementAndGet();
    }

    /** A snapshot of what arrived, in arrival order. */
    List<Received> received() {
        return List.copyOf(received);
    }

    /** The sequence numbers that arrived, in arrival order. */
    List<Long> sequences() {
        return received.stream().map(Received::sequence).toList();
    }

    /** The payloads that arrived, as text, in arrival order. */
    List<String> texts() {
        return received.stream().map(Received::text).toList();
    }

    /** How many times the batch was ended. */
    int batches() {
        return batches.get();
    }

    @Override
    public String toString() {
        return name + " " + received;
    }
}
