package io.quiver.storage.table;

import io.quiver.storage.memtable.Memtable;
import io.quiver.storage.vector.ColumnVector;
import io.quiver.storage.vector.RowBatch;

/** Copies a sealed memtable onto the heap as one batch for sorting and writing. */
final class MemtableRows {
    private MemtableRows() {
    }

    static RowBatch readAll(Memtable m) {
        int rows = Math.toIntExact(m.rowCount());
        RowBatch out = new RowBatch(m.columns(), rows);
        int[] cols = new int[out.columnCount()];
        ColumnVector[] vectors = new ColumnVector[cols.length];
        for (int i = 0; i < cols.length; i++) {
            cols[i] = i;
            vectors[i] = out.column(i);
        }
        if (rows > 0) {
            m.read(0, rows, cols, vectors);
        }
        out.setRowCount(rows);
        return out;
    }
}
