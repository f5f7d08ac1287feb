package dev.fanout.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MessageTest {

    private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;

    private Message message(ByteBuf payload) {
        return TestMessages.message("lobby", 1, payload, 0, new Origin(3, "alice"), alloc);
    }

    @Test
    void release_ofTheLastReference_releasesPayloadAndEncodings() {
        ByteBuf payload = ByteBufUtil.writeUtf8(alloc, "hello");
        Message message = message(payload);
        ByteBuf frame = message.encoded(Encoding.FRAME);
        ByteBuf line = message.encoded(Encoding.LINE);
        message.retain();

        assertThat(message.release()).isFalse();
        assertThat(payload.refCnt()).isEqualTo(1);
        assertThat(frame.refCnt()).isEqualTo(1);
        assertThat(line.refCnt()).isEqualTo(1);

        assertThat(message.release()).isTrue();
        assertThat(payload.refCnt()).isZero();
        assertThat(frame.refCnt()).isZero();
        assertThat(line.refCnt()).isZero();
    }

    @Test
    void release_withoutEncodings_releasesThePayload() {
        ByteBuf payload = ByteBufUtil.writeUtf8(alloc, "never encoded");

        assertThat(message(payload).release()).isTrue();

        assertThat(payload.refCnt()).isZero();
    }

    @Test
    void encoded_isMadeOnceAndShared() {
        Message message = message(ByteBufUtil.writeUtf8(alloc, "hello"));
        try {
            ByteBuf first = message.encoded(Encoding.FRAME);

            assertThat(message.encoded(Encoding.FRAME)).isSameAs(first);
            assertThat(message.encoded(Encoding.LINE)).isNotSameAs(first);
        } finally {
            message.release();
        }
    }

    @Test
    void encoded_retainedDuplicate_outlivesTheMessage() {
        Message message = message(ByteBufUtil.writeUtf8(alloc, "hello"));
        ByteBuf written = message.encoded(Encoding.LINE).retainedDuplicate();

        message.release();

        assertThat(written.toString(StandardCharsets.UTF_8)).isEqualTo("alice: hello\r\n");
        assertThat(written.release()).isTrue();
    }

    @Test
    void encoded_leavesThePayloadUnread() {
        Message message = message(ByteBufUtil.writeUtf8(alloc, "hello"));
        try {
            message.encoded(Encoding.FRAME);
            message.encoded(Encoding.LINE);

            assertThat(message.size()).isEqualTo(5);
            assertThat(message.payload().toString(StandardCharsets.UTF_8)).isEqualTo("hello");
        } finally {
            message.release();
        }
    }
}
