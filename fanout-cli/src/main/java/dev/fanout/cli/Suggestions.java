package dev.fanout.cli;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The names closest to a mistyped command or option, for "did you mean" hints. picocli suggests subcommands
 * by letter similarity and options by their first two letters (every {@code --max-...} option for
 * {@code --max-frames}); this names only the nearest, by edits: a letter added, dropped, changed or two swapped.
 */
final class Suggestions {

    /** Most names offered in one hint. */
    private static final int MAX_SUGGESTIONS = 3;

    private Suggestions() {
    }

    /**
     * The names nearest to {@code typed}: those the fewest edits away when that is at most a third of its length
     * (at least one edit); else those it starts with or that start with it ({@code publish} -> {@code pub});
     * else none. Leading dashes are not compared. At most three, nearest first.
     */
    static List<String> closest(String typed, Collection<String> names) {
        String word = core(typed);
        int allowed = Math.max(1, word.length() / 3);
        int best = Integer.MAX_VALUE;
        List<String> nearest = new ArrayList<>();
        for (String name : names) {
            int edits = distance(word, core(name));
            if (edits > allowed || edits > best) {
                continue;
            }
            if (edits < best) {
                best = edits;
                nearest.clear();
            }
            nearest.add(name);
        }
        if (nearest.isEmpty() && word.length() >= 3) {
            for (String name : names) {
                String other = core(name);
                if (other.length() >= 3 && (word.startsWith(other) || other.startsWith(word))) {
                    nearest.add(name);
                }
            }
        }
        nearest.sort(Comparator.comparingInt((String name) -> distance(word, core(name)))
                .thenComparing(Comparator.naturalOrder()));
        return nearest.subList(0, Math.min(MAX_SUGGESTIONS, nearest.size()));
    }

    /** {@code "; did you mean a, b or c?"}, or nothing when there is no suggestion. */
    static String didYouMean(List<String> suggestions) {
        if (suggestions.isEmpty()) {
            return "";
        }
        int last = suggestions.size() - 1;
        String list = last == 0
                ? suggestions.get(0)
                : String.join(", ", suggestions.subList(0, last)) + " or " + suggestions.get(last);
        return "; did you mean " + list + "?";
    }

    private static String core(String name) {
        int start = 0;
        while (start < name.length() && name.charAt(start) == '-') {
            start++;
        }
        return name.substring(start).toLowerCase(Locale.ROOT);
    }

    /** Edits from {@code a} to {@code b}: insertions, deletions, substitutions and swaps of neighbours. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
