package io.quiver.storage.table;

import io.quiver.storage.PartitionBy;
import io.quiver.storage.TableSchema;
import io.quiver.storage.fs.FilesFacade;
import io.quiver.storage.segment.SegmentMeta;
import io.quiver.storage.segment.SegmentReader;
import io.quiver.storage.segment.SegmentWriter;
import io.quiver.storage.vector.RowBatch;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes rows that arrive already in the table's order (time partition, then sort key) as
 * segments: a new segment at every partition change and every {@code segmentMaxRows} rows. Rows
 * come in ranges of a batch (a flush streaming its memtable) or one at a time (a merge); at most one
 * block of them is held on the heap, so a flush or a compaction costs the same small, constant heap
 * whatever the size of its input, and causes no long GC pause on the ingest path.
 *
 * <p>{@link #finish()} returns the readers of the segments written (registered with the store but not
 * yet in a published manifest); {@link #close()} before that deletes whatever was written.
 */
final class SortedRunWriter implements AutoCloseable {
    private final SegmentStore store;
    private final FilesFacade fs;
    private final TableSchema schema;
    private final PartitionBy partitionBy;
    private final int timestampColumn;
    private final long maxRowsPerSegment;
    private final int blockRows;
    /** Rows appended one at a time, handed to the segment writer a block at a time. */
    private final RowBatch pending;
    private final List<SegmentReader> written = new ArrayList<>();

    private SegmentWriter writer;
    private SegmentStore.NewSegment segment;
    private long rowsInSegment;
    private long minTimestamp;
    private long maxTimestamp;
    private boolean finished;

    SortedRunWriter(SegmentStore store, FilesFacade fs, TableSchema schema, long maxRowsPerSegment, int blockRows) {
        this.store = store;
        this.fs = fs;
        this.schema = schema;
        this.partitionBy = schema.partitionBy();
        this.timestampColumn = schema.timestampIndex();
        this.maxRowsPerSegment = maxRowsPerSegment;
        this.blockRows = blockRows;
        this.pending = new RowBatch(schema.columns(), blockRows);
    }

    /** Appends rows {@code [from, to)} of {@code rows} (the table's columns), already in order. */
    void append(RowBatch rows, int from, int to) throws IOException {
        flushPending();
        if (timestampColumn < 0) { // no designated timestamp: one partition, no time range
            int i = from;
            while (i < to) {
                startSegmentFor(0L);
                int end = (int) Math.min(to, i + (maxRowsPerSegment - rowsInSegment));
                minTimestamp = 0;
                maxTimestamp = 0;
                writer.append(rows, i, end);
                rowsInSegment += end - i;
                i = end;
            }
            return;
        }
        long[] ts = rows.column(timestampColumn).longs;
        int i = from;
        while (i < to) {
            long partition = partitionBy.partitionStart(ts[i]);
            startSegmentFor(partition);
            int limit = (int) Math.min(to, i + (maxRowsPerSegment - rowsInSegment));
            int end;
            if (partitionBy.partitionStart(ts[limit - 1]) == partition) {
                end = limit; // rows are partition-major: first and last agreeing means all do
            } else {
                end = i + 1;
                while (end < limit && partitionBy.partitionStart(ts[end]) == partition) {
                    end++;
                }
            }
            for (int r = i; r < end; r++) {
                minTimestamp = Math.min(minTimestamp, ts[r]);
                maxTimestamp = Math.max(maxTimestamp, ts[r]);
            }
            writer.append(rows, i, end);
            rowsInSegment += end - i;
            i = end;
        }
    }

    /** Appends row {@code row} of {@code rows} (the table's columns), the next in order. */
    void appendRow(RowBatch rows, int row) throws IOException {
        long t = timestampColumn < 0 ? 0L : rows.column(timestampColumn).longs[row];
        long partition = partitionBy.partitionStart(t);
        if (writer == null || partition != segment.partitionStart() || rowsInSegment >= maxRowsPerSegment) {
            flushPending();
            startSegmentFor(partition);
        }
        for (int c = 0; c < pending.columnCount(); c++) {
            pending.column(c).appendFrom(rows.column(c), row);
        }
        rowsInSegment++;
        minTimestamp = Math.min(minTimestamp, t);
        maxTimestamp = Math.max(maxTimestamp, t);
        if (pending.column(0).size() == blockRows) {
            flushPending();
        }
    }

    /** Finishes the last segment and returns every segment written, in order. */
    List<SegmentReader> finish() throws IOException {
        flushPending();
        finishSegment();
        finished = true;
        return written;
    }

    private void flushPending() {
        if (pending.columnCount() == 0 || pending.column(0).size() == 0) {
            return;
        }
        pending.syncRowCount();
        writer.append(pending);
        pending.reset(blockRows);
    }

    private void startSegmentFor(long partition) throws IOException {
        if (writer != null && (partition != segment.partitionStart() || rowsInSegment >= maxRowsPerSegment)) {
            finishSegment();
        }
        if (writer != null) {
            return;
        }
        segment = store.allocateSegment(partition);
        SegmentMeta provisional = new SegmentMeta(schema.name(), schema.version(), partition, Long.MIN_VALUE, Long.MAX_VALUE, null);
        writer = SegmentWriter.create(fs, segment.file(), schema.columns(), blockRows, provisional);
        rowsInSegment = 0;
        minTimestamp = Long.MAX_VALUE;
        maxTimestamp = Long.MIN_VALUE;
    }

    private void finishSegment() throws IOException {
        if (writer == null) {
            return;
        }
        SegmentWriter w = writer;
        writer = null;
        try {
            w.finish(new SegmentMeta(schema.name(), schema.version(), segment.partitionStart(), minTimestamp, maxTimestamp, null));
        } finally {
            w.close();
        }
        SegmentReader reader = SegmentReader.open(fs, segment.file());
        store.register(reader, segment, rowsInSegment, minTimestamp, maxTimestamp);
        written.add(reader);
    }

    /** Unless finished: abandons the segment being written and deletes those already written. */
    @Override
    public void close() {
        if (finished) {
            return;
        }
        if (writer != null) {
            writer.close();
            writer = null;
        }
        store.discard(written);
        written.clear();
    }
}
