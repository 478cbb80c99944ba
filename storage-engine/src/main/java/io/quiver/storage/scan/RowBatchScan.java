package io.quiver.storage.scan;

import io.quiver.storage.TableSchema;
import io.quiver.storage.vector.ColumnVector;
import io.quiver.storage.vector.RowBatch;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link TableScan} over batches already on the heap, one split per batch: the shape of system
 * tables (the catalog listing tables and segments) and of small materialised results. Batches must
 * hold every schema column in schema order and must not change while scanned.
 */
public final class RowBatchScan implements TableScan {
    private final TableSchema schema;
    private final List<ScanSplit> splits;

    public RowBatchScan(TableSchema schema, List<RowBatch> batches, int maxBatchRows) {
        this.schema = schema;
        List<ScanSplit> s = new ArrayList<>();
        for (RowBatch b : batches) {
            if (b.columnCount() != schema.columnCount()) {
                throw new IllegalArgumentException("batch has " + b.columnCount() + " columns, schema " + schema.columnCount());
            }
            s.add(new BatchSplit(b, maxBatchRows));
        }
        this.splits = List.copyOf(s);
    }

    @Override
    public TableSchema schema() {
        return schema;
    }

    @Override
    public List<ScanSplit> splits() {
        return splits;
    }

    @Override
    public void close() {
    }

    private record BatchSplit(RowBatch batch, int maxBatchRows) implements ScanSplit {
        @Override
        public long rowCount() {
            return batch.rowCount();
        }

        @Override
        public ColumnStats columnStats(int column) {
            return null;
        }

        @Override
        public ScanCursor open(int[] columns, ScanPredicate predicate) {
            return new ScanCursor() {
                private int position;
                private long batches;

                @Override
                public boolean next(RowBatch out) {
                    int n = Math.min(maxBatchRows, batch.rowCount() - position);
                    if (n <= 0) {
                        return false;
                    }
                    out.reset(n);
                    for (int c = 0; c < columns.length; c++) {
                        ColumnVector src = batch.column(columns[c]);
                        ColumnVector dst = out.column(c);
                        for (int r = position; r < position + n; r++) {
                            dst.appendFrom(src, r);
                        }
                    }
                    out.syncRowCount();
                    position += n;
                    batches++;
                    return true;
                }

                @Override
                public int maxBatchRows() {
                    return maxBatchRows;
                }

                @Override
                public long blocksRead() {
                    return batches;
                }

                @Override
                public long blocksSkipped() {
                    return 0;
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public String describe() {
            return "batch rows=" + batch.rowCount();
        }
    }
}
