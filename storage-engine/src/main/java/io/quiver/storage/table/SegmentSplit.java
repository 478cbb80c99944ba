package io.quiver.storage.table;

import io.quiver.storage.TableSchema;
import io.quiver.storage.scan.BlockCursor;
import io.quiver.storage.scan.ColumnStats;
import io.quiver.storage.scan.LongBlockSummary;
import io.quiver.storage.scan.ScanCursor;
import io.quiver.storage.scan.ScanPredicate;
import io.quiver.storage.scan.ScanSplit;
import io.quiver.storage.segment.BlockDecoder;
import io.quiver.storage.segment.SegmentReader;
import io.quiver.storage.segment.ZoneMap;
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
    private final DeleteVector deletes;

    SegmentSplit(TableSchema schema, SegmentReader reader, DeleteVector deletes) {
        this.schema = schema;
        this.reader = reader;
        this.deletes = deletes == null || deletes.count() == 0 ? null : deletes;
        this.segmentColumnOf = reader.columnIndexes(schema);
    }

    @Override
    public long rowCount() {
        return reader.rowCount() - (deletes == null ? 0 : deletes.count());
    }

    @Override
    public ColumnStats columnStats(int column) {
        if (deletes != null) {
            return null; // zone maps still bound the values, but counts and extremes are no longer exact
        }
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

    /** Block by block decoding; null while deleted rows exist (the eager cursor drops them row by row). */
    @Override
    public BlockCursor openBlocks(int[] columns, ScanPredicate predicate) {
        return deletes == null ? new Cursor(columns, predicate) : null;
    }

    @Override
    public String describe() {
        return "segment " + reader.file().getParent().getFileName() + '/' + reader.file().getFileName()
                + " rows=" + reader.rowCount() + " blocks=" + reader.blockCount();
    }

    private final class Cursor implements BlockCursor {
        private final int[] columns;
        private final ScanPredicate predicate;
        private final int[] predicateColumns;
        private int block;
        /** The block {@link #nextBlock} positioned on, or -1. */
        private int current = -1;
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
                long first = reader.blockFirstRow(b);
                if (deletes != null && deletes.anyIn(first, rows) && allDeleted(first, rows)) {
                    blocksSkipped++;
                    continue;
                }
                for (int i = 0; i < columns.length; i++) {
                    ColumnVector v = out.column(i);
                    int sc = segmentColumnOf[columns[i]];
                    if (sc < 0) {
                        fillNulls(v, rows);
                    } else {
                        reader.readBlock(sc, b, v, BlockDecoder.forCurrentThread());
                    }
                }
                out.setRowCount(rows);
                if (deletes != null && deletes.anyIn(first, rows)) {
                    out.setRowCount(removeDeleted(out, first, rows));
                }
                blocksRead++;
                return true;
            }
            return false;
        }

        @Override
        public int nextBlock() {
            current = -1;
            while (block < reader.blockCount()) {
                int b = block++;
                if (!mayMatch(b)) {
                    blocksSkipped++;
                    continue;
                }
                current = b;
                blocksRead++;
                return reader.blockRowCount(b);
            }
            return -1;
        }

        @Override
        public void read(int column, ColumnVector out) {
            load(column, out, true);
        }

        @Override
        public void readCodes(int column, ColumnVector out) {
            load(column, out, false);
        }

        @Override
        public void filterRange(int column, long lo, long hi, boolean negate, long[] mask) {
            if (current < 0) {
                throw new IllegalStateException("no current block: call nextBlock() first");
            }
            int sc = segmentColumnOf[columns[column]];
            int rows = reader.blockRowCount(current);
            if (sc < 0) {
                java.util.Arrays.fill(mask, 0, (rows + 63) >>> 6, 0L); // an absent column reads as NULL
                return;
            }
            BlockDecoder decoder = BlockDecoder.forCurrentThread();
            if (reader.filterBlockRange(sc, current, lo, hi, negate, mask, decoder)) {
                return;
            }
            // an encoding without a packed kernel (DELTA, PLAIN, wide FOR): decode, then compare the values
            if (scratch == null || scratch.type() != reader.columns().get(sc).type()) {
                scratch = new ColumnVector(reader.columns().get(sc).type(), rows);
            }
            reader.readBlock(sc, current, scratch, decoder);
            long[] v = scratch.longs;
            boolean[] nulls = scratch.nulls;
            boolean anyNull = scratch.hasNulls;
            for (int w = 0, words = (rows + 63) >>> 6; w < words; w++) {
                long bits = 0;
                for (int r = w << 6, end = Math.min(rows, r + 64); r < end; r++) {
                    long x = v[r];
                    boolean pass = (x >= lo && x <= hi) != negate && !(anyNull && nulls[r]);
                    bits |= (pass ? 1L : 0L) << (r & 63);
                }
                mask[w] &= bits;
            }
        }

        @Override
        public boolean summarize(int column, boolean wantSum, LongBlockSummary out) {
            if (current < 0) {
                throw new IllegalStateException("no current block: call nextBlock() first");
            }
            int sc = segmentColumnOf[columns[column]];
            int rows = reader.blockRowCount(current);
            out.hasSum = false;
            if (sc < 0) {
                out.nonNullCount = 0;
                out.sum = 0;
                out.hasSum = wantSum;
                return true;
            }
            ZoneMap z = reader.zoneMap(sc, current);
            if (!z.type().isLongPhysical() || (z.nonNullCount() > 0 && !z.hasBounds())) {
                return false;
            }
            out.nonNullCount = z.nonNullCount();
            out.min = z.nonNullCount() > 0 ? z.minLong() : 0;
            out.max = z.nonNullCount() > 0 ? z.maxLong() : 0;
            if (wantSum) {
                if (!reader.sumBlock(sc, current, sumOut, BlockDecoder.forCurrentThread())) {
                    return false;
                }
                out.sum = sumOut[0];
                out.hasSum = true;
            }
            return true;
        }

        private ColumnVector scratch;
        private final long[] sumOut = new long[1];

        private void load(int column, ColumnVector out, boolean materialize) {
            if (current < 0) {
                throw new IllegalStateException("no current block: call nextBlock() first");
            }
            int sc = segmentColumnOf[columns[column]];
            if (sc < 0) {
                fillNulls(out, reader.blockRowCount(current));
            } else if (materialize) {
                reader.readBlock(sc, current, out, BlockDecoder.forCurrentThread());
            } else {
                reader.readBlockCodes(sc, current, out, BlockDecoder.forCurrentThread());
            }
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

    private boolean allDeleted(long first, int rows) {
        for (long r = first; r < first + rows; r++) {
            if (!deletes.isDeleted(r)) {
                return false;
            }
        }
        return true;
    }

    /** Compacts the batch in place, dropping deleted rows; returns the rows kept. */
    private int removeDeleted(RowBatch out, long first, int rows) {
        int kept = 0;
        for (int r = 0; r < rows; r++) {
            if (!deletes.isDeleted(first + r)) {
                if (kept != r) {
                    for (int c = 0; c < out.columnCount(); c++) {
                        moveRow(out.column(c), r, kept);
                    }
                }
                kept++;
            }
        }
        for (int c = 0; c < out.columnCount(); c++) {
            out.column(c).setSize(kept);
        }
        return kept;
    }

    /** Moves row {@code from} to slot {@code to} (< from) of a decoded block. */
    private static void moveRow(ColumnVector v, int from, int to) {
        v.nulls[to] = v.nulls[from];
        if (v.longs != null) {
            v.longs[to] = v.longs[from];
        } else if (v.doubles != null) {
            v.doubles[to] = v.doubles[from];
        } else {
            int start = v.offsets[from];
            int len = v.offsets[from + 1] - start;
            int dst = v.offsets[to];
            // dst <= start, and offsets[from] was not yet overwritten: earlier moves wrote only slots <= their own row
            System.arraycopy(v.bytes, start, v.bytes, dst, len);
            v.offsets[to + 1] = dst + len;
        }
        if (v.dictCodes != null) {
            v.dictCodes[to] = v.dictCodes[from];
        }
    }

    static void fillNulls(ColumnVector v, int rows) {
        v.reset(rows);
        for (int r = 0; r < rows; r++) {
            v.appendNull();
        }
    }
}
