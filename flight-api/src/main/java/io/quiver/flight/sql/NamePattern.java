package io.quiver.flight.sql;

import java.util.Locale;

/**
 * A Flight SQL / JDBC name pattern: {@code %} matches any run of characters, {@code _} exactly one,
 * and {@code \} makes the next character literal (the search-string escape this server reports).
 * Everything else, quotes and semicolons included, is a literal character: the pattern is matched
 * in Java, never spliced into SQL. Matching ignores case, as table and column names do.
 */
public final class NamePattern {
    private final char[] p;
    private final boolean[] literal;

    private NamePattern(String pattern) {
        String lower = pattern.toLowerCase(Locale.ROOT);
        char[] tmp = new char[lower.length()];
        boolean[] lit = new boolean[lower.length()];
        int n = 0;
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            if (c == '\\' && i + 1 < lower.length()) {
                tmp[n] = lower.charAt(++i);
                lit[n++] = true;
            } else {
                tmp[n] = c;
                lit[n++] = false;
            }
        }
        this.p = java.util.Arrays.copyOf(tmp, n);
        this.literal = java.util.Arrays.copyOf(lit, n);
    }

    /** A pattern, or null (matches everything) when the client sent none. */
    public static NamePattern of(boolean present, String pattern) {
        return present ? new NamePattern(pattern) : null;
    }

    public static boolean matches(NamePattern pattern, String name) {
        return pattern == null || pattern.matches(name);
    }

    public boolean matches(String name) {
        String s = name.toLowerCase(Locale.ROOT);
        // Iterative wildcard matching with one backtrack point (the last %): linear in practice.
        int si = 0;
        int pi = 0;
        int starP = -1;
        int starS = 0;
        while (si < s.length()) {
            if (pi < p.length && !literal[pi] && p[pi] == '%') {
                starP = pi++;
                starS = si;
            } else if (pi < p.length && ((!literal[pi] && p[pi] == '_') || p[pi] == s.charAt(si))) {
                pi++;
                si++;
            } else if (starP >= 0) {
                pi = starP + 1;
                si = ++starS;
            } else {
                return false;
            }
        }
        while (pi < p.length && !literal[pi] && p[pi] == '%') {
            pi++;
        }
        return pi == p.length;
    }
}
