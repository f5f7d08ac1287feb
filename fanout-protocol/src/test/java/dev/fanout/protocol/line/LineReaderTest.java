package dev.fanout.protocol.line;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LineReaderTest {

    private static LineReader reader(String text, int maxLine) {
        return new LineReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), maxLine);
    }

    @Test
    void read_linesWithEitherLineEnd_returnsThemWithoutIt() throws Exception {
        LineReader reader = reader("one\r\ntwo\n\nlast", 16);
        assertThat(new String(reader.read(), StandardCharsets.UTF_8)).isEqualTo("one");
        assertThat(new String(reader.read(), StandardCharsets.UTF_8)).isEqualTo("two");
        assertThat(reader.read()).isEmpty();
        assertThat(new String(reader.read(), StandardCharsets.UTF_8)).isEqualTo("last");
        assertThat(reader.read()).isNull();
    }

    @Test
    void read_tooLongLine_isSkippedAndReadingGoesOn() throws Exception {
        LineReader reader = reader("0123456789\nok\n", 4);
        assertThatThrownBy(reader::read).isInstanceOf(LineTooLongException.class).hasMessageContaining("4 bytes");
        assertThat(new String(reader.read(), StandardCharsets.UTF_8)).isEqualTo("ok");
        assertThat(reader.read()).isNull();
    }

    @Test
    void read_lineAtTheLimitWithCarriageReturn_isAccepted() throws Exception {
        LineReader reader = reader("1234\r\n", 4);
        assertThat(new String(reader.read(), StandardCharsets.UTF_8)).isEqualTo("1234");
    }
}
