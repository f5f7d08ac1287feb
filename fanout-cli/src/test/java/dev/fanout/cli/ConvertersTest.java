package dev.fanout.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fanout.server.session.SlowConsumerPolicy;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class ConvertersTest {

    private final Converters.Size size = new Converters.Size();
    private final Converters.IntSize intSize = new Converters.IntSize();
    private final Converters.Time time = new Converters.Time();
    private final Converters.Policy policy = new Converters.Policy();

    @Test
    void size_acceptsBytesAndBinaryUnits() {
        assertThat(size.convert("1048576")).isEqualTo(1_048_576L);
        assertThat(size.convert("512B")).isEqualTo(512L);
        assertThat(size.convert("64KiB")).isEqualTo(64L * 1024);
        assertThat(size.convert("64k")).isEqualTo(64L * 1024);
        assertThat(size.convert("8MiB")).isEqualTo(8L * 1024 * 1024);
        assertThat(size.convert("8 mb")).isEqualTo(8L * 1024 * 1024);
        assertThat(size.convert("1g")).isEqualTo(1L << 30);
        assertThat(size.convert("1_000")).isEqualTo(1000L);
    }

    /** Regression: {@code --queue-bytes 1.5MiB} was refused. */
    @Test
    void size_acceptsADecimalThatComesOutWhole() {
        assertThat(size.convert("1.5MiB")).isEqualTo(1_572_864L);
        assertThat(intSize.convert("1.5KiB")).isEqualTo(1536);
    }

    @Test
    void size_fractionOfAByte_isAConversionErrorSayingWhatIsAccepted() {
        assertThatThrownBy(() -> size.convert("1.3MiB"))
                .isInstanceOf(TypeConversionException.class)
                .hasMessage("'1.3MiB' is not a whole number of bytes (1363148.8): write e.g. 1363148, or a size "
                        + "that comes out whole such as 1.5MiB");
    }

    @Test
    void size_notASize_isAConversionErrorSayingHow() {
        assertThatThrownBy(() -> size.convert("lots"))
                .isInstanceOf(TypeConversionException.class)
                .hasMessage("'lots' is not a size: write e.g. 1048576, 64KiB, 1.5MiB or 8MiB");
        assertThatThrownBy(() -> size.convert("5 parsecs"))
                .isInstanceOf(TypeConversionException.class)
                .hasMessage("'5 parsecs' has an unknown unit 'parsecs': use B, KiB, MiB or GiB");
    }

    @Test
    void size_overflowing_isAConversionError() {
        assertThatThrownBy(() -> size.convert("9999999999G")).isInstanceOf(TypeConversionException.class);
        assertThatThrownBy(() -> size.convert("99999999999999999999")).isInstanceOf(TypeConversionException.class);
    }

    @Test
    void intSize_acceptsUpToTheIntRange() {
        assertThat(intSize.convert("1MiB")).isEqualTo(1024 * 1024);
        assertThat(intSize.convert(String.valueOf(Integer.MAX_VALUE))).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void intSize_beyondTheIntRange_isRejected() {
        assertThatThrownBy(() -> intSize.convert("2GiB"))
                .isInstanceOf(TypeConversionException.class)
                .hasMessage("'2GiB' is too large: at most 2 GiB - 1 byte");
    }

    @Test
    void time_acceptsUnitsAndIso8601() {
        assertThat(time.convert("300ms")).isEqualTo(Duration.ofMillis(300));
        assertThat(time.convert("5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(time.convert(" 5 S ")).isEqualTo(Duration.ofSeconds(5));
        assertThat(time.convert("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(time.convert("6h")).isEqualTo(Duration.ofHours(6));
        assertThat(time.convert("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(time.convert("PT5S")).isEqualTo(Duration.ofSeconds(5));
        assertThat(time.convert("pt1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(time.convert("0ms")).isEqualTo(Duration.ZERO);
    }

    /** --line-flush's help says "0 turns it off". */
    @Test
    void time_bareZero_isZero() {
        assertThat(time.convert("0")).isEqualTo(Duration.ZERO);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "soon", "5", "5w", "ms", "PT", "1.5s", "h"})
    void time_notADuration_isAConversionErrorSayingHow(String text) {
        assertThatThrownBy(() -> time.convert(text))
                .isInstanceOf(TypeConversionException.class)
                .hasMessage("'" + text + "' is not a duration: write e.g. 300ms, 5s, 2m, 6h or 7d");
    }

    @Test
    void policy_acceptsBothSpellingsInAnyCase() {
        assertThat(policy.convert("disconnect")).isEqualTo(SlowConsumerPolicy.DISCONNECT);
        assertThat(policy.convert("drop-oldest")).isEqualTo(SlowConsumerPolicy.DROP_OLDEST);
        assertThat(policy.convert("DROP-OLDEST")).isEqualTo(SlowConsumerPolicy.DROP_OLDEST);
    }

    @Test
    void policy_unknown_isAConversionErrorListingThePolicies() {
        assertThatThrownBy(() -> policy.convert("drop_oldest"))
                .isInstanceOf(TypeConversionException.class)
                .hasMessage("unknown slow-consumer policy 'drop_oldest': use disconnect or drop-oldest");
    }
}
