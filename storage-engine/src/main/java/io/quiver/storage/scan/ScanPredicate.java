package io.quiver.storage.scan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A conjunction of simple column conditions that a scan uses to skip whole blocks by their zone
 * maps. It never filters rows: a block that may contain a match is returned whole.
 */
public final class ScanPredicate {
    /** Nothing can be skipped. */
    public static final ScanPredicate ALL = new ScanPredicate(List.of());

    /** {@code min <= column <= max} over long-physical columns (inclusive bounds). */
    public record LongRange(int column, long min, long max) implements Condition {}

    /** {@code min <= column <= max} over DOUBLE columns (inclusive bounds, NaN never matches). */
    public record DoubleRange(int column, double min, double max) implements Condition {}

    /** {@code column = value} (UTF-8) over VARCHAR columns. */
    public record StringEquals(int column, byte[] value) implements Condition {
        @Override
        public boolean equals(Object o) {
            return o instanceof StringEquals s && s.column == column && Arrays.equals(s.value, value);
        }

        @Override
        public int hashCode() {
            return 31 * column + Arrays.hashCode(value);
        }
    }

    /** {@code column IS NOT NULL}: all-null blocks are skipped. */
    public record NotNull(int column) implements Condition {}

    public sealed interface Condition permits LongRange, DoubleRange, StringEquals, NotNull {
        int column();
    }

    private final List<Condition> conditions;

    private ScanPredicate(List<Condition> conditions) {
        this.conditions = List.copyOf(conditions);
    }

    public static ScanPredicate of(List<Condition> conditions) {
        return conditions.isEmpty() ? ALL : new ScanPredicate(conditions);
    }

    public List<Condition> conditions() {
        return conditions;
    }

    public boolean isEmpty() {
        return conditions.isEmpty();
    }

    /** Whether a block with these statistics may hold a row matching every condition on {@code column}. */
    public boolean mayMatch(int column, ColumnStats stats) {
        if (stats == null) {
            return true;
        }
        for (Condition c : conditions) {
            if (c.column() != column) {
                continue;
            }
            if (stats.nullCount() == stats.rowCount()) {
                return false; // every condition here rejects NULL
            }
            if (!stats.hasMinMax()) {
                continue;
            }
            switch (c) {
                case LongRange r -> {
                    if (stats.maxLong() < r.min() || stats.minLong() > r.max()) {
                        return false;
                    }
                }
                case DoubleRange r -> {
                    if (stats.maxDouble() < r.min() || stats.minDouble() > r.max()) {
                        return false;
                    }
                }
                case StringEquals s -> {
                    if (stats.minString() != null && stats.maxString() != null) {
                        String v = new String(s.value(), java.nio.charset.StandardCharsets.UTF_8);
                        if (compareUtf8(v, stats.minString()) < 0 || compareUtf8(v, stats.maxString()) > 0) {
                            return false;
                        }
                    }
                }
                case NotNull n -> { }
            }
        }
        return true;
    }

    /** Columns that have at least one condition. */
    public int[] columns() {
        List<Integer> cols = new ArrayList<>();
        for (Condition c : conditions) {
            if (!cols.contains(c.column())) {
                cols.add(c.column());
            }
        }
        return cols.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Compares strings in UTF-8 byte order (equal to code point order), the order zone maps use. */
    public static int compareUtf8(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    @Override
    public String toString() {
        return conditions.toString();
    }
}
