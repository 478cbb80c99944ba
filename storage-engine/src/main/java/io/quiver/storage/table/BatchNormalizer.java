package io.quiver.storage.table;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.StorageException;
import io.quiver.storage.TableSchema;
import io.quiver.storage.vector.ColumnVector;
import io.quiver.storage.vector.RowBatch;

/**
 * Maps an incoming batch onto a table's schema: columns matched by name (any order, missing ones
 * become NULL), types checked, values range-checked for their type, and the designated timestamp
 * required. Either the whole batch is valid or nothing is written: the error names the row and column.
 */
public final class BatchNormalizer {
    private BatchNormalizer() {
    }

    public static RowBatch toSchema(TableSchema schema, RowBatch batch) {
        int rows = batch.rowCount();
        ColumnVector[] out = new ColumnVector[schema.columnCount()];
        boolean[] used = new boolean[batch.columnCount()];
        for (int c = 0; c < schema.columnCount(); c++) {
            ColumnDef def = schema.column(c);
            int src = batch.indexOf(def.name());
            if (src < 0) {
                ColumnVector nulls = new ColumnVector(def.type(), rows);
                for (int r = 0; r < rows; r++) {
                    nulls.appendNull();
                }
                out[c] = nulls;
                continue;
            }
            used[src] = true;
            ColumnVector v = batch.column(src);
            if (batch.type(src) != def.type()) {
                throw StorageException.invalid("column type does not match the table [table=" + schema.name() + ", column="
                        + def.name() + ", expected=" + def.type() + ", got=" + batch.type(src) + ']');
            }
            if (v.size() < rows) {
                throw StorageException.invalid("column holds fewer values than the batch has rows [table=" + schema.name()
                        + ", column=" + def.name() + ", values=" + v.size() + ", rows=" + rows + ']');
            }
            checkRange(schema, def, v, rows);
            out[c] = v;
        }
        for (int i = 0; i < used.length; i++) {
            if (!used[i]) {
                throw StorageException.notFound("column does not exist [table=" + schema.name() + ", column="
                        + batch.columns().get(i).name() + ']');
            }
        }
        ColumnVector ts = schema.hasTimestamp() ? out[schema.timestampIndex()] : null;
        if (ts != null && (ts.hasNulls || anyNull(ts, rows))) {
            for (int r = 0; r < rows; r++) {
                if (ts.nulls[r]) {
                    throw StorageException.invalid("designated timestamp is missing [table=" + schema.name() + ", row=" + r
                            + ", column=" + schema.timestampColumn() + ']');
                }
            }
        }
        return new RowBatch(schema.columns(), out, rows);
    }

    private static boolean anyNull(ColumnVector v, int rows) {
        for (int r = 0; r < rows; r++) {
            if (v.nulls[r]) {
                return true;
            }
        }
        return false;
    }

    private static void checkRange(TableSchema schema, ColumnDef def, ColumnVector v, int rows) {
        ColumnType t = def.type();
        if (!t.isLongPhysical() || t == ColumnType.BIGINT || t == ColumnType.TIMESTAMP) {
            return;
        }
        long min = t.minValue();
        long max = t.maxValue();
        for (int r = 0; r < rows; r++) {
            long x = v.longs[r];
            if (!v.nulls[r] && (x < min || x > max)) {
                throw StorageException.invalid("value out of range for " + t + " [table=" + schema.name() + ", column="
                        + def.name() + ", row=" + r + ", value=" + x + ']');
            }
        }
    }
}
