package io.quiver.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A titled Markdown table of figures: what every command prints to stdout, so a run's output can be
 * pasted into RESULTS.md as it is. Columns are padded for reading in a terminal.
 */
public final class ResultTable {
    private final String title;
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    public ResultTable(String title, String... header) {
        this.title = title;
        this.header = List.of(header);
    }

    public ResultTable row(Object... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, table has " + header.size()
                    + " columns: " + Arrays.toString(cells));
        }
        rows.add(Arrays.stream(cells).map(String::valueOf).toList());
        return this;
    }

    /** A line printed under the table (data description, encodings, caveats). */
    public ResultTable note(String format, Object... args) {
        notes.add(String.format(Locale.ROOT, format, args));
        return this;
    }

    public int rowCount() {
        return rows.size();
    }

    public void print(PrintStream out) {
        int[] width = new int[header.size()];
        for (int c = 0; c < width.length; c++) {
            width[c] = header.get(c).length();
            for (List<String> r : rows) {
                width[c] = Math.max(width[c], r.get(c).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append('\n').append("### ").append(title).append("\n\n");
        line(sb, header, width);
        sb.append('|');
        for (int w : width) {
            sb.append('-').append("-".repeat(w)).append("-|");
        }
        sb.append('\n');
        for (List<String> r : rows) {
            line(sb, r, width);
        }
        if (!notes.isEmpty()) {
            sb.append('\n');
            for (String n : notes) {
                sb.append("- ").append(n).append('\n');
            }
        }
        out.print(sb);
        out.flush();
    }

    private static void line(StringBuilder sb, List<String> cells, int[] width) {
        sb.append('|');
        for (int c = 0; c < width.length; c++) {
            String s = cells.get(c);
            sb.append(' ').append(s).append(" ".repeat(width[c] - s.length())).append(" |");
        }
        sb.append('\n');
    }

    // ---- number formatting shared by the commands ----

    /** 123456789 -> "123.5 M". */
    public static String millions(double v) {
        return String.format(Locale.ROOT, "%.1f M", v / 1e6);
    }

    public static String fixed(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /** Ours divided by theirs, "1.23x"; "n/a" when either is missing. */
    public static String ratio(double ours, double theirs) {
        if (!(ours > 0) || !(theirs > 0)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.2fx", ours / theirs);
    }
}
