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

    /** Regression: {@code --queue-bytes 1.5MiB} was refused as "not a size". */
    @Test
    void parse_decimalThatComesOutWhole_isAccepted() {
        assertThat(ByteSize.parse("1.5MiB")).isEqualTo(1_572_864);
        assertThat(ByteSize.parse("0.5 KiB")).isEqualTo(512);
        assertThat(ByteSize.parse("2.25g")).isEqualTo(9L << 28);
        assertThat(ByteSize.parse("1.0")).isEqualTo(1);
    }

    @Test
    void parse_fractionOfAByte_isRefusedWithWhatWouldDo() {
        assertThatThrownBy(() -> ByteSize.parse("1.1KiB"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'1.1KiB' is not a whole number of bytes (1126.4): write e.g. 1126, or a size that "
                        + "comes out whole such as 1.5MiB");
        assertThatThrownBy(() -> ByteSize.parse("1.5")).hasMessageStartingWith("'1.5' is not a whole number");
    }

    @Test
    void parse_overflowing_isAnIllegalArgumentNamingTheText() {
        assertThatThrownBy(() -> ByteSize.parse("9999999999G"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'9999999999G' is too large a size");
    }

    @Test
    void parse_garbage_namesTheText() {
        assertThatThrownBy(() -> ByteSize.parse("lots")).hasMessageContaining("'lots' is not a size");
        assertThatThrownBy(() -> ByteSize.parse("3 parsecs")).hasMessageContaining("unknown unit");
        assertThatThrownBy(() -> ByteSize.parse(".5MiB")).hasMessageContaining("is not a size");
        assertThatThrownBy(() -> ByteSize.parse("1,5MiB")).hasMessageContaining("unknown unit ',5mib'");
    }

    @Test
    void format_choosesTheLargestWholeUnit() {
        assertThat(ByteSize.format(17)).isEqualTo("17 B");
        assertThat(ByteSize.format(1536)).isEqualTo("1.5 KiB");
        assertThat(ByteSize.format(8L << 20)).isEqualTo("8 MiB");
    }
}
