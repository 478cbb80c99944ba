package io.quiver.flight.sql;

import java.util.Arrays;

/**
 * Finds the {@code ?} parameter markers of a SQL text, skipping string literals ({@code '...'} with
 * {@code ''} escapes), quoted identifiers ({@code "..."}) and comments ({@code -- ...},
 * {@code /* ... *}{@code /}), and splices rendered literals into their places. Values are always
 * spliced as literals produced by {@link SqlLiterals}, never as raw text, so a bound value cannot
 * change the statement's structure.
 */
public final class ParameterMarkers {
    private final String sql;
    private final int[] positions;

    private ParameterMarkers(String sql, int[] positions) {
        this.sql = sql;
        this.positions = positions;
    }

    public static ParameterMarkers scan(String sql) {
        int[] found = new int[4];
        int count = 0;
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"') {
                i = skipQuoted(sql, i, c);
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int eol = sql.indexOf('\n', i);
                i = eol < 0 ? n : eol + 1;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else {
                if (c == '?') {
                    if (count == found.length) {
                        found = Arrays.copyOf(found, count * 2);
                    }
                    found[count++] = i;
                }
                i++;
            }
        }
        return new ParameterMarkers(sql, Arrays.copyOf(found, count));
    }

    private static int skipQuoted(String sql, int start, char quote) {
        int i = start + 1;
        int n = sql.length();
        while (i < n) {
            if (sql.charAt(i) == quote) {
                if (i + 1 < n && sql.charAt(i + 1) == quote) {
                    i += 2; // doubled quote: an escaped quote inside the literal
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return n;
    }

    public int count() {
        return positions.length;
    }

    /** The text with marker {@code i} replaced by {@code literals[i]}. */
    public String bind(String[] literals) {
        if (literals.length != positions.length) {
            throw new IllegalArgumentException("statement has " + positions.length + " parameters, got " + literals.length);
        }
        if (positions.length == 0) {
            return sql;
        }
        StringBuilder b = new StringBuilder(sql.length() + literals.length * 8);
        int from = 0;
        for (int i = 0; i < positions.length; i++) {
            b.append(sql, from, positions[i]).append(literals[i]);
            from = positions[i] + 1;
        }
        return b.append(sql, from, sql.length()).toString();
    }
}
