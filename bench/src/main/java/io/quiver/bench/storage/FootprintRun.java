package io.quiver.bench.storage;

import io.quiver.bench.Progress;
import io.quiver.bench.ResultTable;
import io.quiver.bench.data.EventsChunk;
import io.quiver.bench.data.EventsDataset;
import io.quiver.bench.data.EventsSink;
import io.quiver.bench.duckdb.DuckDbEventsSink;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Bytes per row on disk: the same generated events ({@link EventsDataset}) loaded in one run into
 * Quiver and into a DuckDB database file, then the directories measured. Also reports load time,
 * and per column what the segment writer chose, so a gap to DuckDB can be explained.
 */
final class FootprintRun {
    private static final int CHUNK_ROWS = 64 * 1024;
    /** Segment size cap of the direct segment sink: the storage engine's default segment.max.rows. */
    private static final long SEGMENT_MAX_ROWS = 16L << 20;

    private final Path dir;
    private final long rows;
    private final int days;
    private final long seed;
    private final String duckdbMemory;
    private final int duckdbThreads;
    private final long dedupCapacity;
    private final Progress progress;

    FootprintRun(Path dir, long rows, int days, long seed, String duckdbMemory, int duckdbThreads, long dedupCapacity,
                 Progress progress) {
        this.dedupCapacity = dedupCapacity;
        this.dir = dir;
        this.rows = rows;
        this.days = days;
        this.seed = seed;
        this.duckdbMemory = duckdbMemory;
        this.duckdbThreads = duckdbThreads;
        this.progress = progress;
    }

    List<ResultTable> run() throws Exception {
        EngineEventsSink engine = new EngineEventsSink(dir.resolve("quiver-engine"), "events", dedupCapacity);
        SegmentEventsSink segments = new SegmentEventsSink(dir.resolve("quiver-segments"), SEGMENT_MAX_ROWS);
        DuckDbEventsSink duck = new DuckDbEventsSink(dir.resolve("duckdb"), "events", duckdbThreads, duckdbMemory);
        List<EventsSink> sinks = List.of(engine, segments, duck);
        try {
            EventsDataset data = new EventsDataset(seed, rows, days);
            EventsChunk chunk = new EventsChunk(CHUNK_ROWS);
            progress.say("footprint: loading %,d events (seed %d, %d days) into %s", rows, seed, days,
                    sinks.stream().map(EventsSink::name).toList());
            long nextReport = rows / 10;
            while (data.next(chunk) > 0) {
                for (EventsSink s : sinks) {
                    s.append(chunk);
                }
                if (data.produced() >= nextReport) {
                    progress.say("footprint: %,d / %,d rows", data.produced(), rows);
                    nextReport += rows / 10;
                }
            }
            for (EventsSink s : sinks) {
                progress.say("footprint: finishing %s", s.name());
                s.finish();
            }
            long duckBytes = duck.bytesOnDisk();
            ResultTable sizes = new ResultTable(String.format("Bytes on disk per row: %,d events", rows),
                    "engine", "bytes on disk", "bytes/row", "vs DuckDB", "load s", "load M rows/s");
            for (EventsSink s : sinks) {
                long bytes = s.bytesOnDisk();
                sizes.row(s.name(), String.format("%,d", bytes), ResultTable.fixed((double) bytes / rows, 2),
                        ResultTable.ratio(bytes, duckBytes), ResultTable.fixed(s.loadNanos() / 1e9, 1),
                        ResultTable.fixed(rows / (s.loadNanos() / 1e3), 2));
            }
            Map<String, Long> kinds = engine.bytesByKind();
            long segmentBytes = kinds.get("segments");
            sizes.row("Quiver engine, segment files only", String.format("%,d", segmentBytes),
                    ResultTable.fixed((double) segmentBytes / rows, 2), ResultTable.ratio(segmentBytes, duckBytes), "-", "-");
            sizes.note("Quiver engine bytes by kind: %s", kinds.entrySet().stream()
                    .map(e -> String.format("%s %,d (%.2f B/row)", e.getKey(), e.getValue(), (double) e.getValue() / rows))
                    .collect(Collectors.joining(", ")));
            sizes.note("data: io.quiver.bench.data.EventsDataset, seed %d, %d days, 11 columns (see bench/README.md)", seed, days);
            sizes.note("vs DuckDB = our bytes / DuckDB's bytes (target <= 1.00x); load time excludes generating the rows");
            sizes.note("Quiver engine: StorageEngine.createTable, append per %d-row chunk (durability NONE), flush, compaction until idle "
                    + "(%d merges), dedup capacity %,d batch ids; everything under its data directory", CHUNK_ROWS, engine.compactions(),
                    dedupCapacity);
            sizes.note("Quiver segments: SegmentWriter directly, one segment per day partition, %d-row blocks", 8192);
            sizes.note("DuckDB: JDBC Appender, then CHECKPOINT; threads=%d, memory_limit=%s", duckdbThreads, duckdbMemory);

            List<Path> engineSegments = engine.segmentFiles();
            SegmentProfile profile = SegmentProfile.of(engineSegments);
            ResultTable columns = new ResultTable("Quiver engine segment bytes per row, by column",
                    "column", "type", "stored B/row", "before LZ4 B/row", "blocks by encoding");
            for (SegmentProfile.Column c : profile.columns()) {
                columns.row(c.def.name(), c.def.type(), ResultTable.fixed((double) c.storedBytes / c.rows, 3),
                        ResultTable.fixed((double) c.encodedBytes / c.rows, 3), c.encodingSummary());
            }
            columns.row("(headers, footers, zone maps)", "-", ResultTable.fixed((double) profile.metadataBytes() / rows, 3),
                    "-", engineSegments.size() + " segment files");
            columns.note("DuckDB's choices (pragma storage_info, segments per compression): %s", duck.compressionByColumn("events"));
            List<ResultTable> out = new ArrayList<>();
            out.add(sizes);
            out.add(columns);
            return out;
        } finally {
            for (EventsSink s : sinks) {
                s.close();
            }
        }
    }
}
