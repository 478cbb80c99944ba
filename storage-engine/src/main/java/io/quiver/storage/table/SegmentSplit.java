package io.quiver.storage.table;

import io.quiver.storage.TableSchema;
import io.quiver.storage.scan.ColumnStats;
import io.quiver.storage.scan.ScanCursor;
import io.quiver.storage.scan.ScanPredicate;
import io.quiver.storage.scan.ScanSplit;
import io.quiver.storage.segment.BlockDecoder;
import io.quiver.storage.segment.SegmentReader;
import io.quiver.storage.vector.ColumnVector;
import io.quiver.storage.vector.RowBatch;

/**
 * A segment as a scan split. Table columns map to segment columns by name; a column added after
 * the segment was written reads as NULL. Blocks whose zone maps rule out the predicate are skipped.
 */
final class SegmentSplit implements ScanSplit {
    private final TableSchema schema;
    private final SegmentReader reader;
    private final int[] segmentColumnOf;

    SegmentSplit(TableSchema schema, SegmentReader reader) {
        this.schema = schema;
        this.reader = reader;
        this.segmentColumnOf = new int[schema.columnCount()];
        for (int c = 0; c < schema.columnCount(); c++) {
            segmentColumnOf[c] = reader.columnIndex(schema.column(c).name());
        }
    }

    @Override
    public long rowCount() {
        return reader.rowCount();
    }

    @Override
    public ColumnStats columnStats(int column) {
        int sc = segmentColumnOf[column];
        if (sc < 0) {
            return ColumnStats.allNull(reader.rowCount());
        }
        return SegmentStats.column(reader, sc);
    }

    @Override
    public ScanCursor open(int[] columns, ScanPredicate predicate) {
        return new Cursor(columns, predicate);
    }

    @Override
    public String describe() {
        return "segment " + reader.file().getParent().getFileName() + '/' + reader.file().getFileName()
                + " rows=" + reader.rowCount() + " blocks=" + reader.blockCount();
    }

    private final class Cursor implements ScanCursor {
        private final int[] columns;
        private final ScanPredicate predicate;
        private final int[] predicateColumns;
        private final BlockDecoder decoder = new BlockDecoder();
        private int block;
        private long blocksRead;
        private long blocksSkipped;

        Cursor(int[] columns, ScanPredicate predicate) {
            this.columns = columns.clone();
            this.predicate = predicate == null ? ScanPredicate.ALL : predicate;
            this.predicateColumns = this.predicate.columns();
        }

        @Override
        public boolean next(RowBatch out) {
            while (block < reader.blockCount()) {
                int b = block++;
                if (!mayMatch(b)) {
                    blocksSkipped++;
                    continue;
                }
                int rows = reader.blockRowCount(b);
                for (int i = 0; i < columns.length; i++) {
                    ColumnVector v = out.column(i);
                    int sc = segmentColumnOf[columns[i]];
                    if (sc < 0) {
                        fillNulls(v, rows);
                    } else {
                        reader.readBlock(sc, b, v, decoder);
                    }
                }
                out.setRowCount(rows);
                blocksRead++;
                return true;
            }
            return false;
        }

        private boolean mayMatch(int b) {
            for (int col : predicateColumns) {
                int sc = segmentColumnOf[col];
                ColumnStats stats = sc < 0 ? ColumnStats.allNull(reader.blockRowCount(b)) : SegmentStats.block(reader, sc, b);
                if (!predicate.mayMatch(col, stats)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int maxBatchRows() {
            return reader.nominalBlockRows();
        }

        @Override
        public long blocksRead() {
            return blocksRead;
        }

        @Override
        public long blocksSkipped() {
            return blocksSkipped;
        }

        @Override
        public void close() {
        }
    }

    static void fillNulls(ColumnVector v, int rows) {
        v.reset(rows);
        for (int r = 0; r < rows; r++) {
            v.appendNull();
        }
    }
}
