package io.quiver.storage.table;

import io.quiver.storage.TableSchema;
import io.quiver.storage.memtable.Memtable;
import io.quiver.storage.scan.ColumnStats;
import io.quiver.storage.scan.ScanCursor;
import io.quiver.storage.scan.ScanPredicate;
import io.quiver.storage.scan.ScanSplit;
import io.quiver.storage.vector.ColumnVector;
import io.quiver.storage.vector.RowBatch;

/**
 * The first {@code rows} rows of a memtable as a scan split: the prefix published when the snapshot
 * was taken, so rows appended later stay invisible to it. Chunks whose statistics rule out the
 * predicate are skipped; chunk statistics may cover later rows too, which only widens them.
 */
final class MemtableSplit implements ScanSplit {
    private final TableSchema schema;
    private final Memtable memtable;
    private final long rows;
    private final int batchRows;

    MemtableSplit(TableSchema schema, Memtable memtable, long rows, int batchRows) {
        this.schema = schema;
        this.memtable = memtable;
        this.rows = rows;
        this.batchRows = memtable.rowsPerChunk();
    }

    @Override
    public long rowCount() {
        return rows;
    }

    @Override
    public ColumnStats columnStats(int column) {
        return MemtableStats.column(memtable, column, rows);
    }

    @Override
    public ScanCursor open(int[] columns, ScanPredicate predicate) {
        ScanPredicate p = predicate == null ? ScanPredicate.ALL : predicate;
        int[] predicateColumns = p.columns();
        ColumnVector[] outVectors = new ColumnVector[columns.length];
        return new ScanCursor() {
            private long position;
            private long read;
            private long skipped;

            @Override
            public boolean next(RowBatch out) {
                while (position < rows) {
                    int chunk = (int) (position / batchRows);
                    int n = (int) Math.min(batchRows - position % batchRows, rows - position);
                    long from = position;
                    position += n;
                    if (!mayMatch(chunk, from, n)) {
                        skipped++;
                        continue;
                    }
                    for (int i = 0; i < columns.length; i++) {
                        outVectors[i] = out.column(i);
                    }
                    memtable.read(from, n, columns, outVectors);
                    out.setRowCount(n);
                    read++;
                    return true;
                }
                return false;
            }

            private boolean mayMatch(int chunk, long from, int n) {
                for (int col : predicateColumns) {
                    if (!p.mayMatch(col, MemtableStats.chunk(memtable, col, chunk, from, n))) {
                        return false;
                    }
                }
                return true;
            }

            @Override
            public int maxBatchRows() {
                return batchRows;
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
        return "memtable rows=" + rows;
    }
}
