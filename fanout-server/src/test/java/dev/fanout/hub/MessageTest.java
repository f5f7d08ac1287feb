package dev.fanout.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import org.junit.jupiter.api.Test;

class MessageTest {

    private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;

    private Message message(ByteBuf payload) {
        return TestMessages.message("lobby", 1, payload, 0, new Origin(3, "alice"));
    }

    @Test
    void release_ofTheLastReference_releasesThePayload() {
        ByteBuf payload = ByteBufUtil.writeUtf8(alloc, "hello");
        Message message = message(payload);

        assertThat(message.retain()).isSameAs(message);
        assertThat(message.release()).isFalse();
        assertThat(payload.refCnt()).isEqualTo(1);

        assertThat(message.release()).isTrue();
        assertThat(payload.refCnt()).isZero();
    }

    @Test
    void memorySize_isThePayloadAndTheOverhead() {
        Message message = message(ByteBufUtil.writeUtf8(alloc, "hello"));
        try {
            assertThat(message.size()).isEqualTo(5);
            assertThat(message.memorySize()).isEqualTo(5 + Message.OVERHEAD);
        } finally {
            message.release();
        }
    }
}
