package io.quiver.bench.storage;

import io.quiver.bench.data.EventsChunk;
import io.quiver.bench.data.EventsDataset;
import io.quiver.bench.data.EventsSink;
import io.quiver.storage.fs.DefaultFilesFacade;
import io.quiver.storage.segment.SegmentMeta;
import io.quiver.storage.segment.SegmentWriter;
import io.quiver.storage.vector.RowBatch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes events straight into segment files with {@link SegmentWriter}, the way a flush lays them
 * out: one segment per day partition (rows arrive in time order), a new one after
 * {@code maxSegmentRows}. Measures the segment format alone, without WAL or catalog files.
 */
public final class SegmentEventsSink implements EventsSink {
    private static final long DAY_MICROS = 86_400_000_000L;

    private final Path dir;
    private final long maxSegmentRows;
    private final RowBatch batch = new RowBatch(EventsDataset.COLUMNS, 1);
    private final RowBatch slice = new RowBatch(EventsDataset.COLUMNS, 1);
    private final List<Path> files = new ArrayList<>();
    private SegmentWriter writer;
    private long writerDay = Long.MIN_VALUE;
    private long nanos;

    public SegmentEventsSink(Path dir, long maxSegmentRows) throws Exception {
        this.dir = dir;
        this.maxSegmentRows = maxSegmentRows;
        Files.createDirectories(dir);
    }

    @Override
    public String name() {
        return "Quiver segments";
    }

    @Override
    public void append(EventsChunk chunk) {
        long t0 = System.nanoTime();
        EventsDataset.toRowBatch(chunk, batch);
        int n = batch.rowCount();
        int from = 0;
        while (from < n) {
            long day = Math.floorDiv(chunk.ts[from], DAY_MICROS);
            if (writer == null || day != writerDay || writer.rowCount() >= maxSegmentRows) {
                startSegment(day);
            }
            int to = from;
            long room = maxSegmentRows - writer.rowCount();
            while (to < n && to - from < room && Math.floorDiv(chunk.ts[to], DAY_MICROS) == day) {
                to++;
            }
            if (from == 0 && to == n) {
                writer.append(batch);
            } else {
                copyRows(batch, from, to, slice);
                writer.append(slice);
            }
            from = to;
        }
        nanos += System.nanoTime() - t0;
    }

    private void startSegment(long day) {
        finishSegment();
        Path file = dir.resolve(String.format("day-%d-%03d.seg", day, files.size()));
        writer = SegmentWriter.create(DefaultFilesFacade.INSTANCE, file, EventsDataset.COLUMNS,
                SegmentWriter.DEFAULT_BLOCK_ROWS, new SegmentMeta("events", 1, day * DAY_MICROS, 0, 0));
        writerDay = day;
        files.add(file);
    }

    private void finishSegment() {
        if (writer != null) {
            writer.finish();
            writer.close();
            writer = null;
        }
    }

    private static void copyRows(RowBatch src, int from, int to, RowBatch dst) {
        dst.reset(to - from);
        for (int c = 0; c < src.columnCount(); c++) {
            for (int r = from; r < to; r++) {
                dst.column(c).appendFrom(src.column(c), r);
            }
        }
        dst.syncRowCount();
    }

    @Override
    public void finish() {
        long t0 = System.nanoTime();
        finishSegment();
        nanos += System.nanoTime() - t0;
    }

    @Override
    public long loadNanos() {
        return nanos;
    }

    @Override
    public long bytesOnDisk() throws Exception {
        return DiskUsage.bytes(dir);
    }

    public List<Path> files() {
        return List.copyOf(files);
    }

    @Override
    public void close() {
        if (writer != null) {
            writer.close();
        }
    }
}
