package dev.fanout.server.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fanout.protocol.frame.FrameTooLargeException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StdinSourceTest {

    private static StdinSource lines(String input, int maxMessage) {
        return new StdinSource(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                StdinSource.Format.LINES, maxMessage);
    }

    /** Every message until the end of the source. */
    private static List<String> readAll(Source source) throws IOException {
        List<String> out = new ArrayList<>();
        for (byte[] payload; (payload = source.next()) != null; ) {
            out.add(new String(payload, StandardCharsets.UTF_8));
        }
        return out;
    }

    static byte[] frames(String... payloads) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String payload : payloads) {
            byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
            out.write(bytes.length >>> 24);
            out.write(bytes.length >>> 16);
            out.write(bytes.length >>> 8);
            out.write(bytes.length);
            out.writeBytes(bytes);
        }
        return out.toByteArray();
    }

    @Test
    void lines_eachLineIsOneMessage() throws IOException {
        assertThat(readAll(lines("one\r\ntwo\n\nlast without end", 100)))
                .containsExactly("one", "two", "", "last without end");
    }

    @Test
    void lines_anOverLongLineIsSkippedAndTheNextArrives() throws IOException {
        assertThat(readAll(lines("short\nthis line is far too long\nnext\n", 8))).containsExactly("short", "next");
    }

    @Test
    void lines_atTheLimitArrive() throws IOException {
        assertThat(readAll(lines("12345678\n123456789\n", 8))).containsExactly("12345678");
    }

    @Test
    void frames_eachFrameIsOneMessage() throws IOException {
        StdinSource source = new StdinSource(new ByteArrayInputStream(frames("alpha", "", "line\nbreak")),
                StdinSource.Format.FRAMES, 100);

        assertThat(readAll(source)).containsExactly("alpha", "", "line\nbreak");
    }

    @Test
    void frames_anOversizedFrameEndsTheSource() {
        StdinSource source = new StdinSource(new ByteArrayInputStream(frames("x".repeat(9), "next")),
                StdinSource.Format.FRAMES, 8);

        assertThatThrownBy(source::next).isInstanceOf(FrameTooLargeException.class);
    }

    @Test
    void describe_namesTheFormat() {
        assertThat(lines("", 8).describe()).isEqualTo("stdin (lines)");
        assertThat(new StdinSource(new ByteArrayInputStream(new byte[0]), StdinSource.Format.FRAMES, 8).describe())
                .isEqualTo("stdin (frames)");
    }
}
