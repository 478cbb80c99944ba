package io.quiver.storage.table;

import io.quiver.storage.memtable.MemtableView;
import io.quiver.storage.scan.ColumnStats;
import io.quiver.storage.scan.ScanCursor;
import io.quiver.storage.scan.ScanPredicate;
import io.quiver.storage.scan.ScanSplit;
import io.quiver.storage.vector.ColumnVector;
import io.quiver.storage.vector.RowBatch;

/**
 * A memtable prefix as a scan split: the rows published when the snapshot was taken (the view),
 * so rows appended later stay invisible to it. Chunks whose zone maps rule out the predicate are
 * skipped.
 */
final class MemtableSplit implements ScanSplit {
    private final MemtableView view;

    MemtableSplit(MemtableView view) {
        this.view = view;
    }

    @Override
    public long rowCount() {
        return view.rowCount();
    }

    @Override
    public ColumnStats columnStats(int column) {
        return MemtableStats.column(view, column);
    }

    @Override
    public ScanCursor open(int[] columns, ScanPredicate predicate) {
        ScanPredicate p = predicate == null ? ScanPredicate.ALL : predicate;
        int[] predicateColumns = p.columns();
        int[] cols = columns.clone();
        ColumnVector[] outVectors = new ColumnVector[cols.length];
        return new ScanCursor() {
            private int chunk;
            private long read;
            private long skipped;

            @Override
            public boolean next(RowBatch out) {
                while (chunk < view.chunkCount()) {
                    int c = chunk++;
                    if (!mayMatch(c)) {
                        skipped++;
                        continue;
                    }
                    int n = view.chunkRowCount(c);
                    for (int i = 0; i < cols.length; i++) {
                        outVectors[i] = out.column(i);
                    }
                    view.read(view.chunkFirstRow(c), n, cols, outVectors);
                    out.setRowCount(n);
                    read++;
                    return true;
                }
                return false;
            }

            private boolean mayMatch(int c) {
                for (int col : predicateColumns) {
                    if (!p.mayMatch(col, MemtableStats.chunk(view, col, c))) {
                        return false;
                    }
                }
                return true;
            }

            @Override
            public int maxBatchRows() {
                return view.rowsPerChunk();
            }

            @Override
            public long blocksRead() {
                return read;
            }

            @Override
            public long blocksSkipped() {
                return skipped;
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public String describe() {
        return "memtable rows=" + view.rowCount();
    }
}
