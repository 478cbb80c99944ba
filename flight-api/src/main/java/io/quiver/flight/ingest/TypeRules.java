package io.quiver.flight.ingest;

import io.quiver.storage.ColumnType;

/**
 * Which incoming value types a table column accepts. Integers go into any integer column
 * (range-checked per value) and into DOUBLE columns; everything else must match exactly: a
 * VARCHAR never becomes a number, nor a DOUBLE an integer.
 */
public final class TypeRules {
    private TypeRules() {
    }

    public static boolean isInteger(ColumnType t) {
        return t == ColumnType.SMALLINT || t == ColumnType.INT || t == ColumnType.BIGINT;
    }

    public static boolean accepts(ColumnType column, ColumnType incoming) {
        if (column == incoming) {
            return true;
        }
        return isInteger(incoming) && (isInteger(column) || column == ColumnType.DOUBLE);
    }

    public static IngestFailure mismatch(String table, String column, ColumnType tableType, ColumnType incoming) {
        return IngestFailure.invalid("column type cannot be widened [table=" + table + ", column=" + column
                + ", tableType=" + tableType + ", batchType=" + incoming + ']', -1, column);
    }
}
