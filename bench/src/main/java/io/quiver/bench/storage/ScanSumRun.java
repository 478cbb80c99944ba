package io.quiver.bench.storage;

import io.quiver.bench.Parallel;
import io.quiver.bench.Progress;
import io.quiver.bench.ResultTable;
import io.quiver.bench.Samples;
import io.quiver.bench.duckdb.DuckDb;
import io.quiver.bench.limits.MachineLimits;
import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.fs.DefaultFilesFacade;
import io.quiver.storage.segment.BlockDecoder;
import io.quiver.storage.segment.SegmentMeta;
import io.quiver.storage.segment.SegmentReader;
import io.quiver.storage.segment.SegmentWriter;
import io.quiver.storage.vector.ColumnVector;
import io.quiver.storage.vector.RowBatch;
import org.duckdb.DuckDBConnection;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * SELECT sum(v) over one BIGINT segment of {@code rows} rows, page-cached: every block read with
 * {@link SegmentReader#readBlock} (copy from the map, CRC32C, LZ4 if stored so, decode) into a
 * reused {@link ColumnVector} and summed; one thread, then several over disjoint block ranges.
 * The same values go into a DuckDB table in the same run, and the machine's long[] sum bandwidth is
 * measured beside both.
 *
 * <p>Data: counters with a modest range, {@code 5 000 000 000 + uniform[0, 2^20)}, seeded.
 */
final class ScanSumRun {
    static final long COUNTER_BASE = 5_000_000_000L;
    static final int COUNTER_RANGE = 1 << 20;
    private static final int WRITE_BATCH_ROWS = 1 << 20;

    private final Path dir;
    private final long rows;
    private final int passes;
    private final List<Integer> threads;
    private final boolean duckdb;
    private final String duckdbMemory;
    private final long seed;
    private final Progress progress;
    private final AtomicLong sink = new AtomicLong();

    ScanSumRun(Path dir, long rows, int passes, List<Integer> threads, boolean duckdb, String duckdbMemory, long seed,
               Progress progress) {
        this.dir = dir;
        this.rows = rows;
        this.passes = passes;
        this.threads = threads;
        this.duckdb = duckdb;
        this.duckdbMemory = duckdbMemory;
        this.seed = seed;
        this.progress = progress;
    }

    ResultTable run() throws Exception {
        Path file = dir.resolve("scan.seg");
        DuckDBConnection duck = duckdb ? DuckDb.open(dir.resolve("scan.duckdb"), maxThreads(), duckdbMemory) : null;
        try {
            long expected = write(file, duck);
            ResultTable table = new ResultTable(String.format("Full-column SUM over a %,d-row BIGINT segment (cached)", rows),
                    "engine / figure", "threads", "best M rows/s", "median M rows/s", "best per core", "vs 300 M/core target");
            Map<Integer, Samples> quiver = new HashMap<>();
            SegmentReader reader = SegmentReader.open(DefaultFilesFacade.INSTANCE, file);
            SegmentProfile profile = SegmentProfile.of(List.of(file));
            try {
                progress.say("scan: warm-up pass (maps the file into the page cache)");
                check(scan(reader, 1, true), expected);
                for (int t : threads) {
                    Samples s = new Samples();
                    for (int p = 0; p < passes; p++) {
                        long nanos = Parallel.run(t, thread -> sink.addAndGet(sumShare(reader, t, thread)));
                        s.add(rows / (nanos / 1e9));
                    }
                    check(scan(reader, t, true), expected);
                    progress.say("scan: Quiver decode+sum, %d thread(s): best %.1f M rows/s", t, s.best() / 1e6);
                    add(table, "Quiver: readBlock + sum", t, s);
                    quiver.put(t, s);
                }
                Samples decodeOnly = new Samples();
                for (int p = 0; p < passes; p++) {
                    long t0 = System.nanoTime();
                    scan(reader, 1, false);
                    decodeOnly.add(rows / ((System.nanoTime() - t0) / 1e9));
                }
                add(table, "Quiver: readBlock only (no sum)", 1, decodeOnly);
            } finally {
                SegmentReader.closeQuietly(reader);
            }
            if (duck != null) {
                for (int t : threads) {
                    DuckDb.execute(duck, "SET threads = " + t);
                    check(DuckDb.queryLong(duck, "SELECT sum(v)::BIGINT FROM scan"), expected);
                    Samples s = new Samples();
                    for (int p = 0; p < passes; p++) {
                        long t0 = System.nanoTime();
                        check(DuckDb.queryLong(duck, "SELECT sum(v)::BIGINT FROM scan"), expected);
                        s.add(rows / ((System.nanoTime() - t0) / 1e9));
                    }
                    progress.say("scan: DuckDB sum, %d thread(s): best %.1f M rows/s", t, s.best() / 1e6);
                    add(table, "DuckDB: SELECT sum(v)", t, s);
                    table.note("Quiver / DuckDB at %d thread(s): %s (best), %s (median)", t,
                            ResultTable.ratio(quiver.get(t).best(), s.best()), ResultTable.ratio(quiver.get(t).median(), s.median()));
                }
            }
            progress.say("scan: machine limit, long[] sum over 256 MiB");
            long[] array = MachineLimits.array(256);
            for (int t : threads) {
                Samples limit = MachineLimits.sum(array, t, passes).scaled(1 / 8.0);
                add(table, "limit: long[] sum from RAM, 8 B/row", t, limit);
                table.note("Quiver / long[]-sum limit at %d thread(s): %s (best)", t, ResultTable.ratio(quiver.get(t).best(), limit.best()));
            }
            SegmentProfile.Column col = profile.columns().getFirst();
            table.note("data: %,d BIGINT counters, 5 000 000 000 + uniform[0, 2^20), seed %d; %d passes per figure after a warm-up pass",
                    rows, seed, passes);
            table.note("segment: %.1f MB, %.3f bytes/row on disk (%.3f bytes/row before LZ4); blocks: %s",
                    profile.fileBytes() / 1e6, (double) profile.fileBytes() / rows, (double) col.encodedBytes / rows,
                    col.encodingSummary());
            return table;
        } finally {
            if (duck != null) {
                duck.close();
            }
        }
    }

    private int maxThreads() {
        return threads.stream().mapToInt(Integer::intValue).max().orElse(1);
    }

    private long write(Path file, DuckDBConnection duck) throws Exception {
        progress.say("scan: writing %,d rows into %s%s", rows, file, duck == null ? "" : " and a CSV file for DuckDB");
        List<ColumnDef> cols = List.of(new ColumnDef("v", ColumnType.BIGINT));
        RowBatch batch = new RowBatch(cols, WRITE_BATCH_ROWS);
        SplittableRandom rnd = new SplittableRandom(seed);
        long expected = 0;
        long quiverNanos = 0;
        Path csv = dir.resolve("scan.csv");
        try (SegmentWriter w = SegmentWriter.create(DefaultFilesFacade.INSTANCE, file, cols,
                SegmentWriter.DEFAULT_BLOCK_ROWS, new SegmentMeta("scan", 1, 0, 0, 0));
             CsvLongWriter csvOut = duck == null ? null : new CsvLongWriter(csv)) {
            long written = 0;
            long nextReport = rows / 10;
            while (written < rows) {
                int n = (int) Math.min(WRITE_BATCH_ROWS, rows - written);
                ColumnVector v = batch.column(0);
                batch.reset(n);
                for (int i = 0; i < n; i++) {
                    long x = COUNTER_BASE + rnd.nextInt(COUNTER_RANGE);
                    v.longs[i] = x;
                    expected += x;
                }
                v.clearNulls(n);
                batch.setRowCount(n);
                long t0 = System.nanoTime();
                w.append(batch);
                quiverNanos += System.nanoTime() - t0;
                if (csvOut != null) {
                    csvOut.write(v.longs, n);
                }
                written += n;
                if (written >= nextReport) {
                    progress.say("scan: %,d / %,d rows written", written, rows);
                    nextReport += rows / 10;
                }
            }
            long t0 = System.nanoTime();
            w.finish();
            quiverNanos += System.nanoTime() - t0;
        }
        String duckLoad = "";
        if (duck != null) {
            // the JDBC Appender costs ~0.5 us/row here (100M rows: minutes); DuckDB's parallel CSV reader is its fast bulk path
            progress.say("scan: DuckDB loading the same values (read_csv)");
            long t0 = System.nanoTime();
            DuckDb.execute(duck, "CREATE TABLE scan AS SELECT v FROM read_csv('" + csv.toAbsolutePath()
                    + "', header = false, columns = {'v': 'BIGINT'})");
            DuckDb.execute(duck, "CHECKPOINT");
            long duckNanos = System.nanoTime() - t0;
            Files.delete(csv);
            duckLoad = String.format(", DuckDB %.1f s (%.1f M rows/s, CSV)", duckNanos / 1e9, rows / (duckNanos / 1e3));
        }
        progress.say("scan: load took Quiver %.1f s (%.1f M rows/s)%s", quiverNanos / 1e9, rows / (quiverNanos / 1e3), duckLoad);
        return expected;
    }

    /** One pass over all blocks on {@code threads} threads; returns the sum (or the row count when !sum). */
    private long scan(SegmentReader reader, int threads, boolean sum) {
        AtomicLong total = new AtomicLong();
        Parallel.run(threads, t -> total.addAndGet(sum ? sumShare(reader, threads, t) : decodeShare(reader, threads, t)));
        return total.get();
    }

    /** Decodes and sums thread {@code t}'s share of the blocks. Scratch is per call: allocated once per pass, not per block. */
    private static long sumShare(SegmentReader reader, int threads, int t) {
        BlockDecoder decoder = new BlockDecoder();
        ColumnVector out = new ColumnVector(ColumnType.BIGINT, reader.nominalBlockRows());
        int blocks = reader.blockCount();
        long total = 0;
        for (int b = MachineLimits.share(blocks, threads, t), end = MachineLimits.share(blocks, threads, t + 1); b < end; b++) {
            reader.readBlock(0, b, out, decoder);
            long[] v = out.longs;
            long s = 0;
            for (int i = 0, n = out.size(); i < n; i++) {
                s += v[i];
            }
            total += s;
        }
        return total;
    }

    private static long decodeShare(SegmentReader reader, int threads, int t) {
        BlockDecoder decoder = new BlockDecoder();
        ColumnVector out = new ColumnVector(ColumnType.BIGINT, reader.nominalBlockRows());
        int blocks = reader.blockCount();
        long decoded = 0;
        for (int b = MachineLimits.share(blocks, threads, t), end = MachineLimits.share(blocks, threads, t + 1); b < end; b++) {
            reader.readBlock(0, b, out, decoder);
            decoded += out.size();
        }
        return decoded;
    }

    private static void check(long actual, long expected) {
        if (actual != expected) {
            throw new IllegalStateException("wrong sum [actual=" + actual + ", expected=" + expected + ']');
        }
    }

    private static void add(ResultTable table, String what, int threads, Samples s) {
        double perCore = s.best() / threads;
        table.row(what, threads, ResultTable.fixed(s.best() / 1e6, 1), ResultTable.fixed(s.median() / 1e6, 1),
                ResultTable.fixed(perCore / 1e6, 1), ResultTable.fixed(perCore / 300e6 * 100, 0) + " %");
    }
}
