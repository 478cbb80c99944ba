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
 * Writes a sealed memtable as segments in the table's order, a block of rows at a time. Rows that
 * arrived in order (time-ordered ingest by one writer) are streamed straight through; otherwise
 * only the key columns (designated timestamp and sort key) are copied onto the heap to compute the
 * order, and the rows are then gathered block by block: from a bulk read of the block's
 * neighbourhood (at most {@link #WINDOW_BLOCKS} blocks on the heap) when its rows lie close
 * together, as concurrent writers' batches do, else row by row from the memtable.
 */
final class MemtableFlush {
    /**
     * Largest neighbourhood, in blocks, read in bulk to gather one block from: reading up to this
     * many rows sequentially per block still costs less than gathering row by row, and bounds the
     * heap a flush holds to a few blocks.
     */
    static final int WINDOW_BLOCKS = 8;

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
        RowBatch window = null;
        ColumnVector[] windowVectors = null;
        for (int start = 0; start < rows; start += blockRows) {
            int n = Math.min(blockRows, rows - start);
            if (order == null) {
                memtable.read(start, n, all, vectors);
            } else {
                int lo = Integer.MAX_VALUE;
                int hi = Integer.MIN_VALUE;
                for (int i = start; i < start + n; i++) {
                    lo = Math.min(lo, order[i]);
                    hi = Math.max(hi, order[i]);
                }
                int span = hi - lo + 1;
                if (span <= WINDOW_BLOCKS * blockRows) {
                    // The block's rows lie close together (batches of concurrent writers, each in
                    // time order, land next to each other): read their whole neighbourhood in bulk
                    // and gather on the heap. A row-by-row gather from the memtable's chunks and
                    // pages was most of a flush's time.
                    if (window == null) {
                        window = new RowBatch(schema.columns(), span);
                        windowVectors = vectorsOf(window);
                    }
                    memtable.read(lo, span, all, windowVectors);
                    for (int c = 0; c < all.length; c++) {
                        vectors[c].gatherFrom(windowVectors[c], order, start, n, lo);
                    }
                } else {
                    memtable.gather(order, start, n, all, vectors);
                }
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
