package io.quiver.flight.ingest;

import io.quiver.storage.ColumnType;

/** Range checks of integer values against their column type, shared by the decoders. */
final class RangeCheck {
    private RangeCheck() {
    }

    /** Fails on the first non-NULL value outside the type's range (BOOLEAN 0..1, SMALLINT, INT, DATE). */
    static void check(String table, String column, ColumnType type, long[] values, boolean[] nulls, int rows) {
        if (type == ColumnType.BIGINT || type == ColumnType.TIMESTAMP || !type.isLongPhysical()) {
            return;
        }
        long min = type.minValue();
        long max = type.maxValue();
        for (int i = 0; i < rows; i++) {
            long x = values[i];
            if ((x < min || x > max) && !nulls[i]) {
                throw IngestFailure.invalid("value out of range for " + type + " [table=" + table + ", row=" + i
                        + ", column=" + column + ", value=" + x + ", min=" + min + ", max=" + max + ']', i, column);
            }
        }
    }
}
