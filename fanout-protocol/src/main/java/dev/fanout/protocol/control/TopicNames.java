package dev.fanout.protocol.control;

import io.netty.buffer.ByteBufUtil;

/**
 * The rules for topic names and subscription patterns, and pattern matching.
 *
 * <p>A <b>topic</b> is 1 to {@value #MAX_TOPIC_BYTES} bytes: dot-separated tokens, each non-empty and made of
 * ASCII letters, digits and {@code _ - : @ ~}. A <b>pattern</b> (a SUB filter only) may also have tokens that
 * are wildcards: {@code *} matches exactly one token, and a last token {@code >} matches one or more tokens,
 * as in NATS. {@code prices.*} matches {@code prices.eur} but not {@code prices.eur.spot}; {@code prices.>}
 * matches both, but not {@code prices}. A <b>filter</b> is a topic or a pattern.
 *
 * <p>Stateless and thread-safe. The {@code check} methods throw {@link ControlProtocolException} with
 * {@link ErrorCode#BAD_TOPIC} and a message that quotes the name, says what is wrong and states the rule.
 */
public final class TopicNames {

    /** The longest topic or pattern, in bytes of UTF-8 (every allowed character is one byte). */
    public static final int MAX_TOPIC_BYTES = 255;

    private static final String RULE = "a topic is 1 to " + MAX_TOPIC_BYTES
            + " bytes of dot-separated tokens, each made of ASCII letters, digits and _ - : @ ~";
    /** How much of a bad name an error message quotes. */
    private static final int QUOTE_CHARS = 64;

    private TopicNames() {
    }

    /** Whether {@code topic} is an exact topic name (not null, no wildcards). */
    public static boolean isValidTopic(String topic) {
        return topic != null && problem(topic, false) == null;
    }

    /** Whether {@code filter} is a valid SUB filter: an exact topic or a pattern. */
    public static boolean isValidFilter(String filter) {
        return filter != null && problem(filter, true) == null;
    }

    /** Whether {@code filter} is a valid pattern: a valid filter with at least one wildcard token. */
    public static boolean isPattern(String filter) {
        return isValidFilter(filter) && hasWildcardToken(filter);
    }

    /**
     * Checks that {@code topic} is an exact topic name.
     *
     * @throws ControlProtocolException ({@link ErrorCode#BAD_TOPIC}) if it is not, saying why
     * @throws NullPointerException if {@code topic} is null
     */
    public static void checkTopic(String topic) {
        String problem = problem(topic, false);
        if (problem != null) {
            throw new ControlProtocolException(ErrorCode.BAD_TOPIC, problem);
        }
    }

    /**
     * Checks that {@code filter} is an exact topic name or a pattern.
     *
     * @throws ControlProtocolException ({@link ErrorCode#BAD_TOPIC}) if it is neither, saying why
     * @throws NullPointerException if {@code filter} is null
     */
    public static void checkFilter(String filter) {
        String problem = problem(filter, true);
        if (problem != null) {
            throw new ControlProtocolException(ErrorCode.BAD_TOPIC, problem);
        }
    }

    /**
     * Whether every topic {@code filter} matches, {@code allowed} matches too: a permission ({@code allowed})
     * covers a subscription ({@code filter}), pattern or not. {@code prices.>} covers {@code prices.eur} and
     * {@code prices.*}; {@code prices.*} covers {@code prices.eur} but not {@code prices.>}. Both are taken to be
     * valid filters.
     */
    public static boolean covers(String allowed, String filter) {
        String[] outer = allowed.split("\\.", -1);
        String[] inner = filter.split("\\.", -1);
        for (int i = 0; i < outer.length; i++) {
            if (outer[i].equals(">")) {
                // One or more tokens from here: the filter must have at least one here, whatever it is.
                return i < inner.length;
            }
            if (i >= inner.length || inner[i].equals(">")) {
                // The filter goes on (or ends) where the allowed one does not.
                return false;
            }
            if (!outer[i].equals("*") && (inner[i].equals("*") || !outer[i].equals(inner[i]))) {
                return false;
            }
        }
        return outer.length == inner.length;
    }

    /**
     * Whether the valid filter {@code filter} matches the exact topic {@code topic}. A filter without
     * wildcards matches only the same topic. Neither argument is checked: the result for invalid names is
     * unspecified, so check them first (the decoder does). Allocates nothing.
     */
    public static boolean matches(String filter, String topic) {
        int filterLength = filter.length();
        int topicLength = topic.length();
        int f = 0;
        int t = 0;
        // f and t are the starts of the current tokens; one past the length means no tokens are left.
        while (f <= filterLength && t <= topicLength) {
            int filterEnd = tokenEnd(filter, f);
            int topicEnd = tokenEnd(topic, t);
            int length = filterEnd - f;
            if (length == 1 && filter.charAt(f) == '>' && filterEnd == filterLength) {
                return true;
            }
            boolean star = length == 1 && filter.charAt(f) == '*';
            if (!star && (length != topicEnd - t || !filter.regionMatches(f, topic, t, length))) {
                return false;
            }
            f = filterEnd + 1;
            t = topicEnd + 1;
        }
        return f > filterLength && t > topicLength;
    }

    /** What is wrong with {@code name} as a topic, or as a filter when {@code pattern}; null if nothing. */
    static String problem(String name, boolean pattern) {
        String noun = pattern ? "filter" : "topic";
        int length = name.length();
        if (length == 0) {
            return noun + " is empty: " + RULE;
        }
        if (length > MAX_TOPIC_BYTES) {
            return noun + " " + quote(name) + " is " + ByteBufUtil.utf8Bytes(name) + " bytes long: " + RULE;
        }
        int tokenStart = 0;
        for (int i = 0; i <= length; i++) {
            char c = i < length ? name.charAt(i) : '.';
            if (c == '.') {
                String tokenProblem = tokenProblem(name, tokenStart, i, pattern);
                if (tokenProblem != null) {
                    return noun + " " + quote(name) + tokenProblem;
                }
                tokenStart = i + 1;
            } else if (!isTokenChar(c) && c != '*' && c != '>') {
                return noun + " " + quote(name) + " has the character " + describe(c) + " at index " + i
                        + ": " + RULE;
            }
        }
        return null;
    }

    /** What is wrong with the token {@code name[start, end)}, as the end of a sentence; null if nothing. */
    private static String tokenProblem(String name, int start, int end, boolean pattern) {
        if (start == end) {
            return " has an empty token at index " + start + " (a dot at either end, or two dots together): "
                    + RULE;
        }
        boolean wildcard = end - start == 1 && (name.charAt(start) == '*' || name.charAt(start) == '>');
        if (wildcard && !pattern) {
            return " is a pattern, but an exact topic is needed here: " + RULE;
        }
        if (wildcard && name.charAt(start) == '>' && end != name.length()) {
            return " has '>' before its last token: > may only be the last token of a pattern";
        }
        for (int i = start; !wildcard && i < end; i++) {
            char c = name.charAt(i);
            if (c == '*' || c == '>') {
                return " has '" + c + "' inside a token at index " + i
                        + (pattern ? ": * and > must each be a whole token" : ": a topic has no wildcards");
            }
        }
        return null;
    }

    private static boolean hasWildcardToken(String filter) {
        int start = 0;
        while (start <= filter.length()) {
            int end = tokenEnd(filter, start);
            if (end - start == 1 && (filter.charAt(start) == '*' || filter.charAt(start) == '>')) {
                return true;
            }
            start = end + 1;
        }
        return false;
    }

    private static int tokenEnd(String name, int start) {
        int dot = name.indexOf('.', start);
        return dot < 0 ? name.length() : dot;
    }

    private static boolean isTokenChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || c == '_' || c == '-' || c == ':' || c == '@' || c == '~';
    }

    private static String describe(char c) {
        String hex = String.format("U+%04X", (int) c);
        return c >= 0x20 && c < 0x7F ? "'" + c + "' (" + hex + ")" : hex;
    }

    /** The name in quotes, cut short and with anything but printable ASCII escaped, safe to log or send. */
    static String quote(String name) {
        StringBuilder out = new StringBuilder(Math.min(name.length(), QUOTE_CHARS) + 8).append('\'');
        for (int i = 0; i < name.length() && i < QUOTE_CHARS; i++) {
            char c = name.charAt(i);
            if (c >= 0x20 && c < 0x7F && c != '\\') {
                out.append(c);
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out.append(name.length() > QUOTE_CHARS ? "...'" : "'").toString();
    }
}
