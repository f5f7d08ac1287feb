package dev.fanout.cli;

import dev.fanout.protocol.ByteSize;
import dev.fanout.server.session.SlowConsumerPolicy;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Option converters: sizes with units, durations with units, and the slow-consumer policy. */
final class Converters {

    private Converters() {
    }

    /** {@code 1048576}, {@code 64KiB}, {@code 1.5MiB}, {@code 8MiB}: see {@link ByteSize#parse}. */
    static final class Size implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return ByteSize.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** A size that must fit in an int, such as a frame or line limit. */
    static final class IntSize implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            long bytes = new Size().convert(value);
            if (bytes > Integer.MAX_VALUE) {
                throw new TypeConversionException("'" + value + "' is too large: at most 2 GiB - 1 byte");
            }
            return (int) bytes;
        }
    }

    /** {@code 0}, {@code 300ms}, {@code 5s}, {@code 2m}, {@code 6h}, {@code 7d}, or ISO-8601 such as {@code PT5S}. */
    static final class Time implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String s = value.trim().toLowerCase(Locale.ROOT);
            try {
                if (s.equals("0")) {
                    return Duration.ZERO;
                }
                if (s.startsWith("pt")) {
                    return Duration.parse(s.toUpperCase(Locale.ROOT));
                }
                if (s.endsWith("ms")) {
                    return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2).trim()));
                }
                if (s.endsWith("s")) {
                    return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1).trim()));
                }
                if (s.endsWith("m")) {
                    return Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1).trim()));
                }
                if (s.endsWith("h")) {
                    return Duration.ofHours(Long.parseLong(s.substring(0, s.length() - 1).trim()));
                }
                if (s.endsWith("d")) {
                    return Duration.ofDays(Long.parseLong(s.substring(0, s.length() - 1).trim()));
                }
            } catch (RuntimeException e) {
                // fall through to the message below
            }
            throw new TypeConversionException("'" + value + "' is not a duration: write e.g. 300ms, 5s, 2m, 6h or 7d");
        }
    }

    /** {@code disconnect} or {@code drop-oldest}. */
    static final class Policy implements ITypeConverter<SlowConsumerPolicy> {
        @Override
        public SlowConsumerPolicy convert(String value) {
            try {
                return SlowConsumerPolicy.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
