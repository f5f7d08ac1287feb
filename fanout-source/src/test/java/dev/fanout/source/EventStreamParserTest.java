package dev.fanout.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventStreamParserTest {

    private final List<String> seen = new ArrayList<>();
    private final EventStreamParser parser = new EventStreamParser(new EventStreamParser.Listener() {
        @Override
        public void event(String type, String data, String lastEventId) {
            seen.add(type + "|" + data + "|" + lastEventId);
        }

        @Override
        public void lastEventId(String lastEventId) {
            seen.add("id|" + lastEventId);
        }

        @Override
        public void retry(long millis) {
            seen.add("retry|" + millis);
        }
    }, "", 4096);

    private void feed(String... chunks) {
        for (String chunk : chunks) {
            ByteBuf bytes = Unpooled.copiedBuffer(chunk, StandardCharsets.UTF_8);
            try {
                parser.feed(bytes);
            } finally {
                bytes.release();
            }
        }
    }

    @Test
    void fieldsLinesAndEvents_asTheStandardReadsThem() {
        feed("\uFEFFdata: a\n\n", ": comment\nevent: tick\ndata:b\ndata:  c\nid: 7\n\n", "retry: 1500\nretry: x\n");

        assertThat(seen).containsExactly("message|a|", "tick|b\n c|7", "retry|1500");
    }

    @Test
    void lineEnds_mayBeCrLfCrOrLf_evenSplitAcrossChunks() {
        feed("data: one\r", "\n\r\n", "data: two\r\rdata: three\n", "\n");

        assertThat(seen).containsExactly("message|one|", "message|two|", "message|three|");
    }

    @Test
    void anIdWithoutData_stillSetsTheLastEventId_andStaysForLaterEvents() {
        feed("id: 41\n\n", "data: x\n\n", "id\n\n");

        assertThat(seen).containsExactly("id|41", "message|x|41", "id|");
    }

    @Test
    void anIdWithNul_orTooLong_isIgnored() {
        feed("id: 1\n\n", "id: a\u0000b\n\n", "id: " + "x".repeat(EventStreamParser.MAX_ID_CHARS + 1) + "\n\n");

        assertThat(seen).containsExactly("id|1", "id|1", "id|1");
    }

    @Test
    void anEventCutOffByTheEnd_isNotDispatched() {
        feed("data: whole\n\ndata: half");

        assertThat(seen).containsExactly("message|whole|");
    }

    @Test
    void anEventOverTheLimit_isGarbage() {
        assertThatThrownBy(() -> feed("data: " + "x".repeat(3000) + "\n", "data: " + "y".repeat(3000) + "\n"))
                .isInstanceOf(Garbage.class).hasMessageContaining("over 4096 bytes");
    }
}
