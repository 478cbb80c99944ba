package io.quiver.storage.table;

import io.quiver.storage.ColumnDef;
import io.quiver.storage.TableSchema;
import io.quiver.storage.memtable.Memtable;
import io.quiver.storage.vector.ColumnVector;
import io.quiver.storage.vector.RowBatch;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes a sealed memtable as segments in the table's order, one block of rows on the heap at a
 * time. Rows that arrived in order (time-ordered ingest, the common case) are streamed straight
 * through; otherwise only the key columns (designated timestamp and sort key) are copied onto the
 * heap to compute the order, and the rows are then gathered from the memtable block by block.
 */
final class MemtableFlush {
    private final Memtable memtable;
    private final TableSchema schema;
    private final int blockRows;
    private final int rows;
    /** Positions in the table of the key columns: the timestamp first, then the sort key's. */
    private final int[] keyColumns;

    MemtableFlush(Memtable memtable, TableSchema schema, int blockRows) {
        this.memtable = memtable;
        this.schema = schema;
        this.blockRows = blockRows;
        this.rows = Math.toIntExact(memtable.rowCount());
        Set<Integer> keys = new LinkedHashSet<>();
        keys.add(schema.timestampIndex());
        keys.addAll(schema.sortKey());
        this.keyColumns = keys.stream().mapToInt(Integer::intValue).toArray();
    }

    void writeTo(SortedRunWriter out) throws IOException {
        if (rows == 0) {
            return;
        }
        int[] all = new int[schema.columnCount()];
        for (int c = 0; c < all.length; c++) {
            all[c] = c;
        }
        RowBatch block = new RowBatch(schema.columns(), blockRows);
        ColumnVector[] vectors = vectorsOf(block);
        int[] order = inOrder() ? null : sortedOrder();
        for (int start = 0; start < rows; start += blockRows) {
            int n = Math.min(blockRows, rows - start);
            if (order == null) {
                memtable.read(start, n, all, vectors);
            } else {
                memtable.gather(order, start, n, all, vectors);
            }
            block.setRowCount(n);
            out.append(block, 0, n);
        }
    }

    /** Whether the rows are already in the table's order; reads the key columns a window at a time. */
    private boolean inOrder() {
        RowBatch window = new RowBatch(keyDefs(), blockRows + 1);
        ColumnVector[] vectors = vectorsOf(window);
        for (int start = 0; start < rows; start += blockRows) {
            int from = Math.max(0, start - 1); // overlap one row so order across windows is checked too
            int end = Math.min(rows, start + blockRows);
            memtable.read(from, end - from, keyColumns, vectors);
            window.setRowCount(end - from);
            if (!sorter(window).inOrder()) {
                return false;
            }
        }
        return true;
    }

    /** The permutation that puts the memtable's rows in order. */
    private int[] sortedOrder() {
        RowBatch keys = new RowBatch(keyDefs(), rows);
        memtable.read(0, rows, keyColumns, vectorsOf(keys));
        keys.setRowCount(rows);
        return sorter(keys).sort();
    }

    private RowSorter sorter(RowBatch keys) {
        List<Integer> sortKey = new ArrayList<>();
        for (int column : schema.sortKey()) {
            sortKey.add(indexOf(column));
        }
        return new RowSorter(keys, 0, schema.partitionBy(), sortKey);
    }

    private int indexOf(int column) {
        for (int i = 0; i < keyColumns.length; i++) {
            if (keyColumns[i] == column) {
                return i;
            }
        }
        throw new IllegalStateException("not a key column [column=" + column + ']');
    }

    private List<ColumnDef> keyDefs() {
        List<ColumnDef> defs = new ArrayList<>(keyColumns.length);
        for (int c : keyColumns) {
            defs.add(schema.column(c));
        }
        return defs;
    }

    static ColumnVector[] vectorsOf(RowBatch batch) {
        ColumnVector[] vectors = new ColumnVector[batch.columnCount()];
        for (int i = 0; i < vectors.length; i++) {
            vectors[i] = batch.column(i);
        }
        return vectors;
    }
}
