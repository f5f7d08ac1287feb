package dev.fanout.protocol;

import java.math.BigDecimal;
import java.util.Locale;

/** Byte counts as people write them ({@code 512}, {@code 64KiB}, {@code 8MiB}, {@code 1g}) and read them. */
public final class ByteSize {

    private ByteSize() {
    }

    /**
     * Parses a size: a number, then an optional unit {@code B}, {@code K}/{@code KB}/{@code KiB},
     * {@code M}/{@code MB}/{@code MiB} or {@code G}/{@code GB}/{@code GiB}, any case. Units are powers of
     * 1024, as in NATS and Redis configuration. The number may have a decimal fraction ({@code 1.5MiB}) when
     * the size comes out as a whole number of bytes ({@code 1.5MiB} is 1572864); a fraction of a byte is
     * refused rather than rounded, so the limit in force is the one written.
     *
     * @throws IllegalArgumentException naming the text and showing what is accepted, when it is not a size
     */
    public static long parse(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT).replace("_", "");
        int end = 0;
        while (end < s.length() && Character.isDigit(s.charAt(end))) {
            end++;
        }
        int integerDigits = end;
        if (end < s.length() - 1 && s.charAt(end) == '.' && Character.isDigit(s.charAt(end + 1))) {
            end++;
            while (end < s.length() && Character.isDigit(s.charAt(end))) {
                end++;
            }
        }
        if (integerDigits == 0) {
            throw new IllegalArgumentException("'" + text + "' is not a size: write e.g. 1048576, 64KiB, 1.5MiB "
                    + "or 8MiB");
        }
        if (integerDigits > 18) {
            throw new IllegalArgumentException("'" + text + "' is too large a size");
        }
        String unit = s.substring(end).trim();
        long scale;
        switch (unit) {
            case "", "b" -> scale = 1;
            case "k", "kb", "kib" -> scale = 1L << 10;
            case "m", "mb", "mib" -> scale = 1L << 20;
            case "g", "gb", "gib" -> scale = 1L << 30;
            default -> throw new IllegalArgumentException(
                    "'" + text + "' has an unknown unit '" + unit + "': use B, KiB, MiB or GiB");
        }
        BigDecimal bytes = new BigDecimal(s.substring(0, end)).multiply(BigDecimal.valueOf(scale));
        if (bytes.signum() != 0 && bytes.stripTrailingZeros().scale() > 0) {
            throw new IllegalArgumentException("'" + text + "' is not a whole number of bytes ("
                    + bytes.stripTrailingZeros().toPlainString() + "): write e.g. "
                    + bytes.toBigInteger() + ", or a size that comes out whole such as 1.5MiB");
        }
        try {
            return bytes.longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is too large a size", e);
        }
    }

    /** Formats a size the short way: {@code 1 MiB}, {@code 1.5 KiB}, {@code 17 B}. */
    public static String format(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        String number = value == Math.rint(value)
                ? String.valueOf((long) value)
                : String.format(Locale.ROOT, "%.1f", value);
        return number + " " + units[unit];
    }
}
