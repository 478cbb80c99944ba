package io.quiver.storage.scan;

/**
 * Exact statistics of one column over a split. {@code hasMinMax} is false when every value is null
 * or the bounds are unknown (long strings). For DOUBLE the bounds ignore NaN; {@code hasNaN} says
 * whether any NaN exists. For VARCHAR, min/max are in {@code minString}/{@code maxString} (may be null).
 */
public record ColumnStats(long rowCount, long nullCount, boolean hasMinMax,
                          long minLong, long maxLong, double minDouble, double maxDouble, boolean hasNaN,
                          String minString, String maxString) {

    public static ColumnStats ofLongs(long rowCount, long nullCount, long min, long max) {
        boolean has = nullCount < rowCount;
        return new ColumnStats(rowCount, nullCount, has, min, max, 0, 0, false, null, null);
    }

    public static ColumnStats ofDoubles(long rowCount, long nullCount, double min, double max, boolean hasNaN) {
        boolean has = nullCount < rowCount && !(Double.isNaN(min) || Double.isNaN(max));
        return new ColumnStats(rowCount, nullCount, has, 0, 0, min, max, hasNaN, null, null);
    }

    public static ColumnStats ofStrings(long rowCount, long nullCount, String min, String max) {
        boolean has = nullCount < rowCount && min != null && max != null;
        return new ColumnStats(rowCount, nullCount, has, 0, 0, 0, 0, false, min, max);
    }

    public static ColumnStats allNull(long rowCount) {
        return new ColumnStats(rowCount, rowCount, false, 0, 0, 0, 0, false, null, null);
    }

    public long nonNullCount() {
        return rowCount - nullCount;
    }
}
