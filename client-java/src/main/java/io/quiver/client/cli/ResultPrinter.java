package io.quiver.client.cli;

import io.quiver.client.query.QueryStream;
import io.quiver.client.query.Row;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Writes a result in one of the shell's formats. {@code table} holds at most {@code maxRows} rows
 * (to size its columns) and stops reading there, which cancels the rest on the server; {@code csv}
 * and {@code json} stream every row as it arrives, so they can export results of any size.
 */
final class ResultPrinter {
    enum Format { TABLE, CSV, JSON }

    /** Longest cell a table shows; longer text is cut with an ellipsis (csv and json never cut). */
    static final int MAX_CELL = 60;

    private final Format format;
    private final long maxRows;

    ResultPrinter(Format format, long maxRows) {
        this.format = format;
        this.maxRows = maxRows;
    }

    /** Prints the stream; returns the rows printed and whether rows were left unread. */
    Printed print(QueryStream stream, PrintStream out) {
        List<Field> fields = stream.schema().getFields();
        Iterator<Row> rows = stream.rows();
        return switch (format) {
            case TABLE -> table(fields, rows, out);
            case CSV -> csv(fields, rows, out);
            case JSON -> json(fields, rows, out);
        };
    }

    record Printed(long rows, boolean truncated) {
    }

    private Printed table(List<Field> fields, Iterator<Row> rows, PrintStream out) {
        int n = fields.size();
        List<String[]> cells = new ArrayList<>();
        boolean truncated = false;
        while (rows.hasNext()) {
            if (cells.size() >= maxRows) {
                truncated = true;
                break;
            }
            Row row = rows.next();
            String[] line = new String[n];
            for (int c = 0; c < n; c++) {
                line[c] = cut(text(row, c, "NULL"));
            }
            cells.add(line);
        }
        int[] width = new int[n];
        boolean[] right = new boolean[n];
        for (int c = 0; c < n; c++) {
            String name = cut(fields.get(c).getName());
            width[c] = Math.max(1, displayWidth(name));
            ArrowType t = fields.get(c).getType();
            right[c] = t instanceof ArrowType.Int || t instanceof ArrowType.FloatingPoint || t instanceof ArrowType.Decimal;
        }
        for (String[] line : cells) {
            for (int c = 0; c < n; c++) {
                width[c] = Math.max(width[c], displayWidth(line[c]));
            }
        }
        StringBuilder b = new StringBuilder();
        for (int c = 0; c < n; c++) {
            b.append(c == 0 ? " " : " | ");
            pad(b, cut(fields.get(c).getName()), width[c], false);
        }
        out.println(b.toString().stripTrailing());
        b.setLength(0);
        for (int c = 0; c < n; c++) {
            b.append(c == 0 ? "-" : "-+-").append("-".repeat(width[c]));
        }
        out.println(b.append('-'));
        for (String[] line : cells) {
            b.setLength(0);
            for (int c = 0; c < n; c++) {
                b.append(c == 0 ? " " : " | ");
                pad(b, line[c], width[c], right[c]);
            }
            out.println(b.toString().stripTrailing());
        }
        return new Printed(cells.size(), truncated);
    }

    private static void pad(StringBuilder b, String s, int width, boolean right) {
        int fill = width - displayWidth(s);
        if (right) {
            b.append(" ".repeat(fill)).append(s);
        } else {
            b.append(s).append(" ".repeat(fill));
        }
    }

    /**
     * Terminal columns {@code s} takes: East Asian wide and fullwidth characters (CJK, kana, Hangul,
     * most emoji) take two, combining marks none, the rest one; so a table with 日本 still lines up.
     */
    static int displayWidth(String s) {
        int w = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            int type = Character.getType(cp);
            if (type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK || cp == 0x200B) {
                continue;
            }
            w += isWide(cp) ? 2 : 1;
        }
        return w;
    }

    private static boolean isWide(int cp) {
        return (cp >= 0x1100 && cp <= 0x115F) // Hangul Jamo initials
                || (cp >= 0x2E80 && cp <= 0x303E) // CJK radicals, symbols and punctuation
                || (cp >= 0x3041 && cp <= 0x33FF) // kana, CJK compatibility
                || (cp >= 0x3400 && cp <= 0x4DBF) // CJK extension A
                || (cp >= 0x4E00 && cp <= 0x9FFF) // CJK unified ideographs
                || (cp >= 0xA000 && cp <= 0xA4CF) // Yi
                || (cp >= 0xAC00 && cp <= 0xD7A3) // Hangul syllables
                || (cp >= 0xF900 && cp <= 0xFAFF) // CJK compatibility ideographs
                || (cp >= 0xFE30 && cp <= 0xFE4F) // CJK compatibility forms
                || (cp >= 0xFF00 && cp <= 0xFF60) // fullwidth forms
                || (cp >= 0xFFE0 && cp <= 0xFFE6)
                || (cp >= 0x1F300 && cp <= 0x1F64F) // emoji
                || (cp >= 0x1F900 && cp <= 0x1F9FF)
                || (cp >= 0x20000 && cp <= 0x3FFFD); // CJK extensions B and later
    }

    private static String cut(String s) {
        // line breaks would tear the table apart; the text of a cell shows them escaped
        String one = s.replace("\n", "\\n").replace("\r", "\\r");
        if (one.codePointCount(0, one.length()) <= MAX_CELL) {
            return one;
        }
        return one.substring(0, one.offsetByCodePoints(0, MAX_CELL - 1)) + "…";
    }

    private static Printed csv(List<Field> fields, Iterator<Row> rows, PrintStream out) {
        StringBuilder b = new StringBuilder();
        for (int c = 0; c < fields.size(); c++) {
            if (c > 0) {
                b.append(',');
            }
            csvField(b, fields.get(c).getName());
        }
        out.print(b.append("\r\n"));
        long count = 0;
        while (rows.hasNext()) {
            Row row = rows.next();
            b.setLength(0);
            for (int c = 0; c < fields.size(); c++) {
                if (c > 0) {
                    b.append(',');
                }
                if (!row.isNull(c)) {
                    csvField(b, text(row, c, ""));
                }
            }
            out.print(b.append("\r\n"));
            count++;
        }
        return new Printed(count, false);
    }

    /** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled; NULL is an empty field. */
    private static void csvField(StringBuilder b, String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            b.append(s);
            return;
        }
        b.append('"').append(s.replace("\"", "\"\"")).append('"');
    }

    /** One JSON object per row and line (NDJSON, what the server's ingest endpoint takes back). */
    private static Printed json(List<Field> fields, Iterator<Row> rows, PrintStream out) {
        long count = 0;
        StringBuilder b = new StringBuilder();
        while (rows.hasNext()) {
            Row row = rows.next();
            b.setLength(0);
            b.append('{');
            for (int c = 0; c < fields.size(); c++) {
                if (c > 0) {
                    b.append(',');
                }
                jsonString(b, fields.get(c).getName());
                b.append(':');
                Object v = row.getObject(c);
                switch (v) {
                    case null -> b.append("null");
                    case Boolean x -> b.append(x);
                    case Double d when d.isNaN() || d.isInfinite() -> jsonString(b, d.toString()); // JSON has no NaN/Infinity
                    case Float f when f.isNaN() || f.isInfinite() -> jsonString(b, f.toString());
                    case Number x -> b.append(x);
                    case Instant t -> jsonString(b, t.toString());
                    case Duration d -> jsonString(b, interval(d));
                    default -> jsonString(b, v.toString());
                }
            }
            out.println(b.append('}'));
            count++;
        }
        return new Printed(count, false);
    }

    private static void jsonString(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }

    /** A value as text: timestamps as UTC {@code yyyy-MM-dd HH:mm:ss[.ffffff]} like DuckDB and PostgreSQL print them. */
    private static String text(Row row, int column, String nullText) {
        Object v = row.getObject(column);
        return switch (v) {
            case null -> nullText;
            case Instant t -> timestamp(t);
            case Duration d -> interval(d);
            case Double d -> plain(d.toString());
            case Float f -> plain(f.toString());
            default -> v.toString();
        };
    }

    /**
     * A float or double without Java's exponent for everyday magnitudes (1793577632.0, not
     * 1.793577632E9), as psql and DuckDB print them; the digits are still the shortest that read
     * back as the same value. Below 1e-6 and from 1e16 up the exponent stays.
     */
    static String plain(String javaText) {
        int e = javaText.indexOf('E');
        if (e < 0) {
            return javaText;
        }
        int exponent = Integer.parseInt(javaText.substring(e + 1));
        if (exponent < -6 || exponent >= 16) {
            return javaText;
        }
        String p = new java.math.BigDecimal(javaText).stripTrailingZeros().toPlainString();
        return p.indexOf('.') < 0 ? p + ".0" : p;
    }

    /** An INTERVAL as PostgreSQL prints a timestamp difference: {@code 1 day 02:03:04.5}, {@code -1 days -02:00:00}. */
    static String interval(Duration d) {
        long days = d.toDays();
        Duration rest = d.minusDays(days);
        StringBuilder b = new StringBuilder();
        if (days != 0) {
            b.append(days).append(days == 1 ? " day" : " days");
        }
        if (!rest.isZero() || days == 0) {
            if (!b.isEmpty()) {
                b.append(' ');
            }
            if (rest.isNegative()) {
                b.append('-');
                rest = rest.negated();
            }
            b.append(String.format(Locale.ROOT, "%02d:%02d:%02d", rest.toHours(), rest.toMinutesPart(), rest.toSecondsPart()));
            int micros = rest.toNanosPart() / 1000;
            if (micros != 0) {
                b.append('.').append(String.format(Locale.ROOT, "%06d", micros).replaceAll("0+$", ""));
            }
        }
        return b.toString();
    }

    private static String timestamp(Instant t) {
        LocalDateTime at = LocalDateTime.ofInstant(t, ZoneOffset.UTC);
        String s = String.format(Locale.ROOT, "%04d-%02d-%02d %02d:%02d:%02d", at.getYear(), at.getMonthValue(), at.getDayOfMonth(),
                at.getHour(), at.getMinute(), at.getSecond());
        int micros = at.getNano() / 1000;
        if (micros == 0) {
            return s;
        }
        String frac = String.format(Locale.ROOT, "%06d", micros);
        int end = frac.length();
        while (frac.charAt(end - 1) == '0') {
            end--;
        }
        return s + '.' + frac.substring(0, end);
    }
}
