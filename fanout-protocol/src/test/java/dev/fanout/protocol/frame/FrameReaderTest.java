package dev.fanout.protocol.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FrameReaderTest {

    @Test
    void writeThenRead_roundTripsEveryFrame() throws Exception {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        try (FrameWriter writer = new FrameWriter(wire)) {
            writer.write("one".getBytes(StandardCharsets.UTF_8));
            writer.write(new byte[0]);
            writer.write(new byte[] {0, (byte) 0xff, 10});
        }
        FrameReader reader = new FrameReader(new ByteArrayInputStream(wire.toByteArray()), 16);
        assertThat(reader.read()).isEqualTo("one".getBytes(StandardCharsets.UTF_8));
        assertThat(reader.read()).isEmpty();
        assertThat(reader.read()).containsExactly(0, 0xff, 10);
        assertThat(reader.read()).isNull();
    }

    @Test
    void read_hugePrefix_throwsBeforeAllocating() {
        byte[] wire = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};
        FrameReader reader = new FrameReader(new ByteArrayInputStream(wire), 1024);
        assertThatThrownBy(reader::read)
                .isInstanceOf(FrameTooLargeException.class)
                .hasMessageContaining("4294967295");
    }

    @Test
    void read_streamEndsInsideFrame_throwsEof() {
        byte[] wire = {0, 0, 0, 5, 'a', 'b'};
        FrameReader reader = new FrameReader(new ByteArrayInputStream(wire), 1024);
        assertThatThrownBy(reader::read).isInstanceOf(EOFException.class);
    }
}
