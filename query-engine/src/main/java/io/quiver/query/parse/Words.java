package io.quiver.query.parse;

import io.quiver.query.ErrorCode;
import io.quiver.query.QueryException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The leading words of a statement, for the statement heads Calcite's Babel grammar lacks. Skips
 * whitespace and SQL comments; knows quotes and parentheses only enough to find their ends.
 */
final class Words {
    private final String sql;
    private final List<int[]> spans = new ArrayList<>(); // [start, end) of each word read so far

    Words(String sql) {
        this.sql = sql;
    }

    private int[] span(int index) {
        while (spans.size() <= index) {
            int from = spans.isEmpty() ? 0 : spans.get(spans.size() - 1)[1];
            int s = skipBlank(from);
            int e = s;
            if (s < sql.length() && sql.charAt(s) == '"') {
                e = sql.indexOf('"', s + 1);
                e = e < 0 ? sql.length() : e + 1;
            } else {
                while (e < sql.length() && (Character.isLetterOrDigit(sql.charAt(e)) || sql.charAt(e) == '_')) {
                    e++;
                }
                if (e == s && s < sql.length()) {
                    e = s + 1; // a punctuation character is a word of its own
                }
            }
            spans.add(new int[]{s, e});
        }
        return spans.get(index);
    }

    String rawWord(int index) {
        int[] s = span(index);
        return sql.substring(s[0], s[1]);
    }

    String peekWord(int index) {
        return rawWord(index).toLowerCase(Locale.ROOT);
    }

    int wordStart(int index) {
        return span(index)[0];
    }

    void expect(int index, String word) {
        if (!peekWord(index).equals(word)) {
            throw error("expected " + word.toUpperCase(Locale.ROOT) + " but found '" + rawWord(index) + "'", wordStart(index));
        }
    }

    void expectEnd(int index) {
        String w = rawWord(index);
        if (!w.isEmpty() && !w.equals(";")) {
            throw error("unexpected '" + w + "'", wordStart(index));
        }
    }

    /** A table or column name: unquoted (as written) or double-quoted. */
    String identifier(int index) {
        String w = rawWord(index);
        if (w.startsWith("\"") && w.endsWith("\"") && w.length() >= 2) {
            return w.substring(1, w.length() - 1);
        }
        if (w.isEmpty() || !(Character.isLetter(w.charAt(0)) || w.charAt(0) == '_')) {
            throw error("expected a name but found '" + w + "'", wordStart(index));
        }
        return w;
    }

    /** The text with its first {@code count} words replaced by spaces. */
    String blankWords(int count) {
        return blank(sql, 0, span(count - 1)[1]);
    }

    static String blank(String s, int from, int to) {
        StringBuilder b = new StringBuilder(s);
        for (int i = from; i < to; i++) {
            if (b.charAt(i) != '\n' && b.charAt(i) != '\r') {
                b.setCharAt(i, ' ');
            }
        }
        return b.toString();
    }

    int skipBlank(int i) {
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '-' && i + 1 < sql.length() && sql.charAt(i + 1) == '-') {
                while (i < sql.length() && sql.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < sql.length() && sql.charAt(i + 1) == '*') {
                int e = sql.indexOf("*/", i + 2);
                i = e < 0 ? sql.length() : e + 2;
            } else {
                break;
            }
        }
        return i;
    }

    int matchingParen(int open) {
        int depth = 0;
        for (int i = open; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"') {
                int e = sql.indexOf(c, i + 1);
                if (e < 0) {
                    break;
                }
                i = e;
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                if (--depth == 0) {
                    return i;
                }
            }
        }
        throw error("unbalanced parenthesis", open);
    }

    QueryException error(String message, int offset) {
        int line = 1;
        int col = 1;
        for (int i = 0; i < Math.min(offset, sql.length()); i++) {
            if (sql.charAt(i) == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        return QueryException.at(ErrorCode.SYNTAX_ERROR, "syntax error: " + message, line, col);
    }
}
