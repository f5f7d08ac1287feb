package dev.fanout.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fanout.protocol.frame.FrameReader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchTest {

    private static Message message(long sequence, long from, String text) {
        return TestMessages.message("t", sequence, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8), 0,
                new Origin(from, "c" + from));
    }

    private static List<String> frames(ByteBuf bytes) throws IOException {
        List<String> out = new ArrayList<>();
        try (ByteBufInputStream in = new ByteBufInputStream(bytes, true)) {
            FrameReader reader = new FrameReader(in, 1024);
            for (byte[] payload; (payload = reader.read()) != null; ) {
                out.add(new String(payload, StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    @Test
    void encodedFor_anotherSubscriber_isEveryMessageInOrder() throws IOException {
        Batch batch = new Batch(List.of(message(1, 1, "a"), message(2, 2, "b"), message(3, 1, "c")),
                ByteBufAllocator.DEFAULT);
        assertThat(batch.sizeFor(9)).isEqualTo(3);
        assertThat(frames(batch.encodedFor(Encoding.FRAME, 9))).containsExactly("a", "b", "c");
        batch.release();
    }

    @Test
    void encodedFor_aPublisherInTheBatch_leavesOutItsOwnMessages() throws IOException {
        Batch batch = new Batch(List.of(message(1, 1, "a"), message(2, 2, "b"), message(3, 1, "c"),
                message(4, 3, "d"), message(5, 3, "e")), ByteBufAllocator.DEFAULT);
        assertThat(batch.sizeFor(1)).isEqualTo(3);
        assertThat(frames(batch.encodedFor(Encoding.FRAME, 1))).containsExactly("b", "d", "e");
        assertThat(batch.sizeFor(3)).isEqualTo(3);
        assertThat(frames(batch.encodedFor(Encoding.FRAME, 3))).containsExactly("a", "b", "c");
        assertThat(batch.messagesFor(2)).extracting(Message::sequence).containsExactly(1L, 3L, 4L, 5L);
        batch.release();
    }

    @Test
    void encodedFor_theOnlyPublisher_isNothing() {
        Batch batch = new Batch(List.of(message(1, 4, "a"), message(2, 4, "b")), ByteBufAllocator.DEFAULT);
        assertThat(batch.sizeFor(4)).isZero();
        assertThat(batch.encodedFor(Encoding.FRAME, 4)).isNull();
        batch.release();
    }

    @Test
    void encodedFor_lines_joinsEachMessagesLine() {
        Batch batch = new Batch(List.of(message(1, 1, "hi"), message(2, 2, "yo")), ByteBufAllocator.DEFAULT);
        ByteBuf lines = batch.encodedFor(Encoding.LINE, 7);
        assertThat(lines.toString(StandardCharsets.UTF_8)).isEqualTo("c1: hi\r\nc2: yo\r\n");
        lines.release();
        batch.release();
    }
}
