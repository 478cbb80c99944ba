package io.quiver.storage.table;

import io.quiver.storage.ColumnType;
import io.quiver.storage.memtable.MemtableView;
import io.quiver.storage.scan.ColumnStats;

/** Memtable chunk zone maps as scan {@link ColumnStats}. VARCHAR chunks carry no bounds. */
final class MemtableStats {
    private MemtableStats() {
    }

    static ColumnStats chunk(MemtableView view, int column, int chunk) {
        ColumnType t = view.columns().get(column).type();
        int rows = view.chunkRowCount(chunk);
        int nulls = view.nullCount(column, chunk);
        if (nulls == rows) {
            return ColumnStats.allNull(rows);
        }
        if (t.isLongPhysical()) {
            return ColumnStats.ofLongs(rows, nulls, view.minLong(column, chunk), view.maxLong(column, chunk));
        }
        if (t == ColumnType.DOUBLE) {
            double min = view.minDouble(column, chunk);
            double max = view.maxDouble(column, chunk);
            boolean nan = view.nanCount(column, chunk) > 0;
            if (min > max) { // only NaNs besides nulls
                return new ColumnStats(rows, nulls, false, 0, 0, 0, 0, nan, null, null);
            }
            return ColumnStats.ofDoubles(rows, nulls, min, max, nan);
        }
        return new ColumnStats(rows, nulls, false, 0, 0, 0, 0, false, null, null);
    }

    /** Over every chunk of the view. */
    static ColumnStats column(MemtableView view, int column) {
        ColumnType t = view.columns().get(column).type();
        long rows = 0;
        long nulls = 0;
        long minL = Long.MAX_VALUE;
        long maxL = Long.MIN_VALUE;
        double minD = Double.POSITIVE_INFINITY;
        double maxD = Double.NEGATIVE_INFINITY;
        boolean nan = false;
        for (int c = 0; c < view.chunkCount(); c++) {
            rows += view.chunkRowCount(c);
            nulls += view.nullCount(column, c);
            if (t.isLongPhysical()) {
                minL = Math.min(minL, view.minLong(column, c));
                maxL = Math.max(maxL, view.maxLong(column, c));
            } else if (t == ColumnType.DOUBLE) {
                minD = Math.min(minD, view.minDouble(column, c));
                maxD = Math.max(maxD, view.maxDouble(column, c));
                nan |= view.nanCount(column, c) > 0;
            }
        }
        if (nulls == rows) {
            return ColumnStats.allNull(rows);
        }
        if (t.isLongPhysical()) {
            return ColumnStats.ofLongs(rows, nulls, minL, maxL);
        }
        if (t == ColumnType.DOUBLE && minD <= maxD) {
            // nanCount of a chunk still being filled is an upper bound, so hasNaN may be a false positive:
            // a consumer answering MAX from metadata must then read the data.
            return ColumnStats.ofDoubles(rows, nulls, minD, maxD, nan);
        }
        return null; // VARCHAR (or NaN-only doubles): not known from metadata
    }
}
