package io.quiver.query.parse;

import java.util.Locale;
import java.util.Set;

/**
 * PostgreSQL's interval literal {@code INTERVAL '1 day 2 hours'} (units inside the string), which
 * Calcite's parsers reject, rewritten before parsing into a call {@code "$iv"('1 day 2 hours')}
 * that the binder turns into an interval constant. The SQL-standard form {@code INTERVAL '1' DAY}
 * (a unit after the string) is left to Calcite. The call is never longer than the literal it
 * replaces and is padded to the same length (keeping its line breaks), so every character after
 * it stays at its original line and column and parser error positions stay true.
 */
public final class PgIntervals {
    /** The function name the rewrite calls; quoted, so no user function can collide with it. */
    public static final String FUNCTION = "$iv";
    private static final String KEYWORD = "interval";
    private static final Set<String> SQL_UNITS = Set.of("year", "years", "month", "months", "day", "days", "hour", "hours",
            "minute", "minutes", "second", "seconds", "week", "weeks", "quarter", "quarters", "millisecond", "milliseconds",
            "microsecond", "microseconds");

    private PgIntervals() {
    }

    public static String rewrite(String sql) {
        if (!sql.toLowerCase(Locale.ROOT).contains(KEYWORD)) {
            return sql;
        }
        char[] out = sql.toCharArray();
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'') {
                i = endOfQuoted(sql, i, '\'');
            } else if (c == '"') {
                i = endOfQuoted(sql, i, '"');
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int eol = sql.indexOf('\n', i);
                i = eol < 0 ? n : eol;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else if (isWordStart(sql, i) && sql.regionMatches(true, i, KEYWORD, 0, KEYWORD.length())
                    && (i + KEYWORD.length() >= n || !Character.isLetterOrDigit(sql.charAt(i + KEYWORD.length())))) {
                i = rewriteAt(sql, i, out);
            } else {
                i++;
            }
        }
        return new String(out);
    }

    /** Rewrites the literal at {@code at} if it is PostgreSQL-style; returns where scanning continues. */
    private static int rewriteAt(String sql, int at, char[] out) {
        int q = at + KEYWORD.length();
        while (q < sql.length() && Character.isWhitespace(sql.charAt(q))) {
            q++;
        }
        if (q >= sql.length() || sql.charAt(q) != '\'') {
            return at + KEYWORD.length();
        }
        int end = endOfQuoted(sql, q, '\''); // just past the closing quote
        int w = end;
        while (w < sql.length() && Character.isWhitespace(sql.charAt(w))) {
            w++;
        }
        int we = w;
        while (we < sql.length() && Character.isLetter(sql.charAt(we))) {
            we++;
        }
        if (SQL_UNITS.contains(sql.substring(w, we).toLowerCase(Locale.ROOT))) {
            return end; // SQL standard form: Calcite parses it
        }
        // "$iv"( + 'text' + ) is at most as long as interval + blanks + 'text'.
        String call = '"' + FUNCTION + "\"(" + sql.substring(q, end) + ')';
        int k = at;
        for (int j = 0; j < call.length(); j++) {
            out[k++] = call.charAt(j);
        }
        long breaks = sql.substring(at, q).chars().filter(ch -> ch == '\n').count();
        while (k < end - breaks) {
            out[k++] = ' ';
        }
        while (k < end) {
            out[k++] = '\n';
        }
        return end;
    }

    private static boolean isWordStart(String s, int i) {
        return i == 0 || !(Character.isLetterOrDigit(s.charAt(i - 1)) || s.charAt(i - 1) == '_' || s.charAt(i - 1) == '"');
    }

    /** Index just past the quoted run starting at {@code i} (a doubled quote is an escaped quote). */
    private static int endOfQuoted(String s, int i, char quote) {
        int j = i + 1;
        while (j < s.length()) {
            if (s.charAt(j) == quote) {
                if (j + 1 < s.length() && s.charAt(j + 1) == quote) {
                    j += 2;
                    continue;
                }
                return j + 1;
            }
            j++;
        }
        return s.length();
    }
}
