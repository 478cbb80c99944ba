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
 * order, and the rows are then gathered block by block: from bulk reads of the few stretches of
 * the memtable the block's rows lie in (at most {@link #WINDOW_BLOCKS} blocks of rows on the heap),
 * as with concurrent writers' batches, else row by row from the memtable.
 */
final class MemtableFlush {
    /**
     * Most rows, in blocks, read in bulk to gather one block from: reading up to this many rows
     * sequentially per block still costs less than gathering row by row, and bounds the heap a
     * flush holds to a few blocks.
     */
    static final int WINDOW_BLOCKS = 8;
    /** Most separate stretches of the memtable one block is read from in bulk (a few per concurrent writer). */
    static final int MAX_CLUSTERS = 8;

    private final Memtable memtable;
    private final TableSchema schema;
    private final int blockRows;
    private final int rows;
    /** Positions in the table of the key columns: the timestamp first (if the table has one), then the sort key's. */
    private final int[] keyColumns;

    MemtableFlush(Memtable memtable, TableSchema schema, int blockRows) {
        this.memtable = memtable;
        this.schema = schema;
        this.blockRows = blockRows;
        this.rows = Math.toIntExact(memtable.rowCount());
        Set<Integer> keys = new LinkedHashSet<>();
        if (schema.hasTimestamp()) {
            keys.add(schema.timestampIndex());
        }
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
        BlockSources sources = order == null ? null : new BlockSources();
        for (int start = 0; start < rows; start += blockRows) {
            int n = Math.min(blockRows, rows - start);
            if (order == null) {
                memtable.read(start, n, all, vectors);
            } else if (sources.plan(order, start, n)) {
                // The block's rows lie in a few stretches of the memtable (each concurrent writer's
                // batches, in time order, land together): read those stretches in bulk and gather on
                // the heap. A row-by-row gather from the memtable's chunks and pages was most of a
                // flush's time.
                sources.read(all);
                for (int c = 0; c < all.length; c++) {
                    vectors[c].gatherFrom(sources.column(c), sources.source, sources.rowInSource, n);
                }
            } else {
                memtable.gather(order, start, n, all, vectors);
            }
            block.setRowCount(n);
            out.append(block, 0, n);
        }
    }

    /**
     * Where one output block's rows come from: the stretches ("clusters") of memtable rows that
     * hold them, read in bulk, and for each output row its cluster and its row in that cluster.
     */
    private final class BlockSources {
        final int[] source = new int[blockRows];
        final int[] rowInSource = new int[blockRows];
        private final int[] sorted = new int[blockRows];
        private final int[] clusterStart = new int[MAX_CLUSTERS + 1];
        private final int[] clusterEnd = new int[MAX_CLUSTERS + 1];
        private final RowBatch[] clusterRows = new RowBatch[MAX_CLUSTERS];
        private int clusters;

        /** Finds the clusters of rows {@code order[start, start+n)}; false when they are too scattered to read in bulk. */
        boolean plan(int[] order, int start, int n) {
            System.arraycopy(order, start, sorted, 0, n);
            java.util.Arrays.sort(sorted, 0, n);
            int gap = Math.max(1, blockRows / 4);
            clusters = 0;
            long span = 0;
            int from = sorted[0];
            int to = sorted[0];
            for (int i = 1; i <= n; i++) {
                if (i == n || sorted[i] - to > gap) {
                    if (clusters == MAX_CLUSTERS) {
                        return false;
                    }
                    clusterStart[clusters] = from;
                    clusterEnd[clusters] = to + 1;
                    clusters++;
                    span += to + 1 - from;
                    if (i < n) {
                        from = sorted[i];
                        to = sorted[i];
                    }
                } else {
                    to = sorted[i];
                }
            }
            if (span > (long) WINDOW_BLOCKS * blockRows) {
                return false;
            }
            for (int i = 0; i < n; i++) {
                int r = order[start + i];
                int c = 0;
                while (r >= clusterEnd[c]) { // clusters are few and in row order
                    c++;
                }
                source[i] = c;
                rowInSource[i] = r - clusterStart[c];
            }
            return true;
        }

        void read(int[] all) {
            for (int c = 0; c < clusters; c++) {
                int count = clusterEnd[c] - clusterStart[c];
                if (clusterRows[c] == null) {
                    clusterRows[c] = new RowBatch(schema.columns(), count);
                }
                memtable.read(clusterStart[c], count, all, vectorsOf(clusterRows[c]));
            }
        }

        ColumnVector[] column(int c) {
            ColumnVector[] v = new ColumnVector[clusters];
            for (int k = 0; k < clusters; k++) {
                v[k] = clusterRows[k].column(c);
            }
            return v;
        }
    }

    /** Whether the rows are already in the table's order; reads the key columns a window at a time. */
    private boolean inOrder() {
        if (keyColumns.length == 0) {
            return true; // no timestamp and no sort key: rows stay in the order they were written
        }
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
        return new RowSorter(keys, schema.hasTimestamp() ? 0 : -1, schema.partitionBy(), sortKey);
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
