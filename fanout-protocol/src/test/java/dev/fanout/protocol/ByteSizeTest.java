package dev.fanout.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ByteSizeTest {

    @Test
    void parse_unitsArePowersOf1024() {
        assertThat(ByteSize.parse("512")).isEqualTo(512);
        assertThat(ByteSize.parse("64KiB")).isEqualTo(64 * 1024);
        assertThat(ByteSize.parse("8mb")).isEqualTo(8L << 20);
        assertThat(ByteSize.parse("1 G")).isEqualTo(1L << 30);
    }

    @Test
    void parse_garbage_namesTheText() {
        assertThatThrownBy(() -> ByteSize.parse("lots")).hasMessageContaining("'lots' is not a size");
        assertThatThrownBy(() -> ByteSize.parse("3 parsecs")).hasMessageContaining("unknown unit");
    }

    @Test
    void format_choosesTheLargestWholeUnit() {
        assertThat(ByteSize.format(17)).isEqualTo("17 B");
        assertThat(ByteSize.format(1536)).isEqualTo("1.5 KiB");
        assertThat(ByteSize.format(8L << 20)).isEqualTo("8 MiB");
    }
}
