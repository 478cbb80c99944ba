package io.quiver.query.plan;

import java.util.Collection;
import java.util.Locale;

/** Closest-name suggestions for unknown tables and columns. */
public final class Names {
    private Names() {
    }

    /** The candidate nearest to {@code name} by edit distance (case-insensitive), if near enough to be a typo. */
    public static String closest(String name, Collection<String> candidates) {
        String target = name.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            String lower = c.toLowerCase(Locale.ROOT);
            int d = distance(target, lower);
            if (d > 1 && abbreviates(target, lower)) {
                d = 1; // usr for user_id, cnt for count: letters in order, same first letter
            }
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        int allowed = Math.max(2, target.length() / 3);
        return bestDistance <= allowed ? best : null;
    }

    /** Whether {@code a} (two letters or more) starts like {@code b} and its letters appear in {@code b} in order. */
    static boolean abbreviates(String a, String b) {
        if (a.length() < 2 || b.isEmpty() || a.charAt(0) != b.charAt(0) || a.length() >= b.length()) {
            return false;
        }
        int j = 0;
        for (int i = 0; i < b.length() && j < a.length(); i++) {
            if (b.charAt(i) == a.charAt(j)) {
                j++;
            }
        }
        return j == a.length();
    }

    /** " (did you mean "x"?)" or "". */
    public static String suggestion(String name, Collection<String> candidates) {
        String c = closest(name, candidates);
        return c == null ? "" : ", did you mean \"" + c + "\"?";
    }

    /** Levenshtein distance with transpositions counted as one edit. */
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
