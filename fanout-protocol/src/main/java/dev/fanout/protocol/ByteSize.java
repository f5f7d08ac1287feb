package dev.fanout.protocol;

import java.util.Locale;

/** Byte counts as people write them ({@code 512}, {@code 64KiB}, {@code 8MiB}, {@code 1g}) and read them. */
public final class ByteSize {

    private ByteSize() {
    }

    /**
     * Parses a size: digits, then an optional unit {@code B}, {@code K}/{@code KB}/{@code KiB},
     * {@code M}/{@code MB}/{@code MiB} or {@code G}/{@code GB}/{@code GiB}, any case. Units are powers of
     * 1024, as in NATS and Redis configuration.
     *
     * @throws IllegalArgumentException naming the text, when it is not a size
     */
    public static long parse(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT).replace("_", "");
        int end = 0;
        while (end < s.length() && Character.isDigit(s.charAt(end))) {
            end++;
        }
        if (end == 0) {
            throw new IllegalArgumentException("'" + text + "' is not a size: write e.g. 1048576, 64KiB or 8MiB");
        }
        if (end > 18) {
            throw new IllegalArgumentException("'" + text + "' is too large a size");
        }
        long number = Long.parseLong(s.substring(0, end));
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
        return Math.multiplyExact(number, scale);
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
