package dev.fanout.hub;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** Messages for tests, as a history store would make them (epoch 1). */
final class TestMessages {

    private TestMessages() {
    }

    /** A message of {@code topic} at sequence {@code sequence} of epoch 1; takes ownership of {@code payload}. */
    static Message message(String topic, long sequence, ByteBuf payload, long publishedAtMillis, Origin origin) {
        return Message.of(topic, topic.getBytes(StandardCharsets.UTF_8), new Position(1, sequence), payload,
                publishedAtMillis, origin);
    }
}
