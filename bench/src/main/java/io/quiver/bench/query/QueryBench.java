package io.quiver.bench.query;

import io.quiver.bench.data.BatchLoads;
import io.quiver.bench.BenchContext;
import io.quiver.bench.BenchEnvironment;
import io.quiver.bench.Options;
import io.quiver.bench.Progress;
import io.quiver.bench.duckdb.DuckDb;
import io.quiver.query.QueryConfig;
import io.quiver.query.QueryEngine;
import io.quiver.query.catalog.StorageQueryCatalog;
import io.quiver.storage.Durability;
import io.quiver.storage.StorageConfig;
import io.quiver.storage.StorageEngine;
import io.quiver.storage.table.Table;
import io.quiver.storage.vector.RowBatch;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The query benchmark: a generated web-analytics table loaded in one run into Quiver (through the
 * storage engine, flushed to segments) and into DuckDB (Appender, all cores), then every query of
 * {@link BenchQueries} run cold once (all of them, in order), then once more untimed ({@code --warmup}),
 * then hot three times on both. A query's answers must agree
 * (row count and checksum, values within 1e-9) before its times count. Prints a Markdown report
 * (per-query times, Quiver/DuckDB ratio, geometric mean, worst query, rows/s per core on the simple
 * aggregate) and draws the ratios as a PNG.
 *
 * <p>{@code java -cp 'bench/target/classes:bench/target/lib/*' io.quiver.bench.query.QueryBench --rows 10m}
 */
public final class QueryBench {
    static final String USAGE = """
              --rows N        rows in the hits table (default 10m; 100m on demand)
              --seed S        data seed (default 20261123)
              --dir PATH      where both databases are written (default a new temp directory, deleted after)
              --threads N     worker threads for both engines (default: cores)
              --hot N         hot runs per query per engine (default 3; the best counts)
              --warmup N      untimed passes over all the queries on both engines between the cold
                              runs and the hot ones (default 1): a running server's JIT is warm              --only Q01,Q05  run only these queries
              --chart PATH    PNG of the ratios (default bench/target/query-ratios.png)
              --keep          keep the data directory
              --reuse         with --dir: use the tables already loaded there (for profiling runs)""";

    private QueryBench() {
    }

    public static void main(String[] args) throws Exception {
        Progress progress = new Progress(System.err);
        System.exit(run(args, new BenchContext(System.out, progress)));
    }

    /** One query's figures. Times in nanoseconds; hot is the best of the hot runs. */
    record Timing(String id, String kind, long rows, long checksum, String mismatch, long quiverCold, long quiverHot,
                  long duckCold, long duckHot) {
        double ratio() {
            return (double) quiverHot / duckHot;
        }
    }

    static int run(String[] args, BenchContext ctx) throws Exception {
        Options o = Options.parse(args);
        long rows = o.size("rows", 10_000_000);
        long seed = o.size("seed", 20261123);
        int threads = o.intValue("threads", BenchEnvironment.cores());
        int hot = o.intValue("hot", 3);
        int warmup = o.intValue("warmup", 1);
        List<String> only = o.list("only", "");
        Path chart = Path.of(o.string("chart", "bench/target/query-ratios.png"));
        boolean keep = o.flag("keep");
        boolean reuse = o.flag("reuse");
        String dirOpt = o.string("dir", null);
        o.rejectUnused();
        Path dir = dirOpt == null ? Files.createTempDirectory("quiver-querybench") : Path.of(dirOpt);
        Progress p = ctx.progress();
        p.say("query bench: %,d rows, seed %d, %d threads, dir %s", rows, seed, threads, dir);
        List<Timing> timings = new ArrayList<>();
        long quiverLoad;
        long duckLoad;
        String duckVersion;
        try (StorageEngine storage = StorageEngine.open(dir.resolve("quiver"), new StorageConfig().durability(Durability.NONE)
                .dedupCapacity(10_000).memtableMaxBytes(1L << 30));
             DuckDBConnection duck = DuckDb.open(dir.resolve("duck.duckdb"), threads, DuckDb.MEMORY_LIMIT_DEFAULT)) {
            duckVersion = DuckDb.version(duck);
            long[] loads = reuse && storage.table(HitsDataset.TABLE).isPresent() ? new long[]{0, 0} : load(storage, duck, rows, seed, p);
            quiverLoad = loads[0];
            duckLoad = loads[1];
            try (QueryEngine engine = new QueryEngine(new StorageQueryCatalog(storage),
                    QueryConfig.defaults().withParallelism(threads))) {
                List<BenchQueries.BenchQuery> selected = BenchQueries.ALL.stream()
                        .filter(q -> only.isEmpty() || only.contains(q.id())).toList();
                // Every query runs cold before any runs hot, then the warm-up passes: the hot runs
                // then see the JIT of a server that has answered such queries before, as DuckDB's
                // compiled code always is.
                List<ColdRun> colds = new ArrayList<>();
                for (BenchQueries.BenchQuery q : selected) {
                    colds.add(cold(q, engine, duck));
                }
                for (int pass = 0; pass < warmup; pass++) {
                    p.say("warm-up pass %d of %d", pass + 1, warmup);
                    for (BenchQueries.BenchQuery q : selected) {
                        ResultRows.quiver(engine, q.sql());
                        ResultRows.duckDb(duck, q.sql());
                    }
                }
                for (ColdRun c : colds) {
                    timings.add(hot(c, engine, duck, hot, p));
                }
            }
        } finally {
            if (!keep && dirOpt == null) {
                io.quiver.bench.storage.DiskUsage.deleteRecursively(dir);
            }
        }
        report(ctx.out(), timings, rows, threads, quiverLoad, duckLoad, duckVersion, chart, hot, warmup);
        return timings.stream().anyMatch(t -> t.mismatch() != null) ? 1 : 0;
    }

    // ------------------------------------------------------------------ loading

    /** Generates the rows once and appends each chunk to both engines; returns {quiver, duckdb} load nanos. */
    private static long[] load(StorageEngine storage, DuckDBConnection duck, long rows, long seed, Progress p) throws Exception {
        Table hits = storage.createTable(HitsDataset.schema(), Durability.NONE);
        Table tenants = storage.createTable(HitsDataset.tenantSchema(), Durability.NONE);
        DuckDb.execute(duck, HitsDataset.duckDbCreate());
        DuckDb.execute(duck, HitsDataset.duckDbCreateTenants());
        duck.setAutoCommit(false);
        long quiverNanos = 0;
        long duckNanos = 0;
        RowBatch tenantRows = HitsDataset.tenants();
        tenants.append(null, tenantRows).join();
        tenants.flush();
        try (DuckDBAppender a = duck.createAppender(DuckDBConnection.DEFAULT_SCHEMA, HitsDataset.TENANTS)) {
            BatchLoads.appendToDuckDb(a, tenantRows);
        }
        HitsDataset data = new HitsDataset(seed, rows);
        RowBatch batch = new RowBatch(HitsDataset.COLUMNS, 65_536);
        try (DuckDBAppender a = duck.createAppender(DuckDBConnection.DEFAULT_SCHEMA, HitsDataset.TABLE)) {
            BatchLoads.LoadTimes times = BatchLoads.loadBoth(hits, a, data::next, batch, 65_536, rows, p);
            quiverNanos += times.quiverNanos();
            duckNanos += times.duckNanos();
            long t0 = System.nanoTime();
            duck.commit();
            duck.setAutoCommit(true);
            DuckDb.execute(duck, "CHECKPOINT");
            duckNanos += System.nanoTime() - t0;
        }
        long t0 = System.nanoTime();
        hits.flush();
        while (hits.compact() > 0) {
            // merge small segments until nothing is left to merge, as the background would
        }
        quiverNanos += System.nanoTime() - t0;
        p.say("loaded %,d rows: Quiver %.1f s (%d segments), DuckDB %.1f s", rows, quiverNanos / 1e9, hits.segments().size(), duckNanos / 1e9);
        return new long[]{quiverNanos, duckNanos};
    }

    // ------------------------------------------------------------------ measuring

    /** A query's first run on both engines: its times and whether the answers agree. */
    private record ColdRun(BenchQueries.BenchQuery query, ResultRows answer, String mismatch, long quiverNanos, long duckNanos) {
    }

    private static ColdRun cold(BenchQueries.BenchQuery q, QueryEngine engine, DuckDBConnection duck) throws Exception {
        long t0 = System.nanoTime();
        ResultRows ours = ResultRows.quiver(engine, q.sql());
        long quiverCold = System.nanoTime() - t0;
        t0 = System.nanoTime();
        ResultRows theirs = ResultRows.duckDb(duck, q.sql());
        long duckCold = System.nanoTime() - t0;
        String mismatch = ours.differenceFrom(theirs);
        if (mismatch == null && ours.checksum() != theirs.checksum()) {
            mismatch = "checksums differ";
        }
        return new ColdRun(q, ours, mismatch, quiverCold, duckCold);
    }

    private static Timing hot(ColdRun c, QueryEngine engine, DuckDBConnection duck, int hot, Progress p) throws Exception {
        BenchQueries.BenchQuery q = c.query();
        long quiverHot = Long.MAX_VALUE;
        long duckHot = Long.MAX_VALUE;
        for (int i = 0; i < hot; i++) {
            // Alternate the engines so a noisy neighbour hurts both alike.
            long t0 = System.nanoTime();
            ResultRows.quiver(engine, q.sql());
            quiverHot = Math.min(quiverHot, System.nanoTime() - t0);
            t0 = System.nanoTime();
            ResultRows.duckDb(duck, q.sql());
            duckHot = Math.min(duckHot, System.nanoTime() - t0);
        }
        Timing t = new Timing(q.id(), q.kind(), c.answer().size(), c.answer().checksum(), c.mismatch(), c.quiverNanos(), quiverHot,
                c.duckNanos(), duckHot);
        p.say("%s %-36s quiver %8.1f ms  duckdb %8.1f ms  ratio %5.2f%s", q.id(), q.kind(), quiverHot / 1e6, duckHot / 1e6, t.ratio(),
                c.mismatch() == null ? "" : "  MISMATCH: " + c.mismatch());
        return t;
    }

    // ------------------------------------------------------------------ report

    private static void report(PrintStream out, List<Timing> timings, long rows, int threads, long quiverLoad, long duckLoad,
                               String duckVersion, Path chart, int hot, int warmup) throws Exception {
        List<Timing> valid = timings.stream().filter(t -> t.mismatch() == null).toList();
        double geomean = Math.exp(valid.stream().mapToDouble(t -> Math.log(t.ratio())).average().orElse(0));
        Timing worst = valid.stream().max(Comparator.comparingDouble(Timing::ratio)).orElse(null);
        out.printf(Locale.ROOT, "### Query benchmark: %,d rows, %d threads, DuckDB %s%n%n", rows, threads, duckVersion);
        out.printf(Locale.ROOT, "Machine: %s. Load: Quiver %.1f s, DuckDB %.1f s. Times in ms; cold = each query's first run; "
                + "hot = best of %d runs after every query ran cold and %d untimed warm-up pass(es) over all of them; "
                + "ratio = Quiver hot / DuckDB hot.%n%n", BenchEnvironment.describe(), quiverLoad / 1e9, duckLoad / 1e9, hot, warmup);
        out.println("| query | kind | rows | answers | Quiver cold | Quiver hot | DuckDB cold | DuckDB hot | ratio |");
        out.println("|---|---|---:|---|---:|---:|---:|---:|---:|");
        for (Timing t : timings) {
            out.printf(Locale.ROOT, "| %s | %s | %d | %s | %.1f | %.1f | %.1f | %.1f | %.2f |%n", t.id(), t.kind(), t.rows(),
                    t.mismatch() == null ? "equal (" + Long.toHexString(t.checksum()).substring(0, Math.min(8, Long.toHexString(t.checksum()).length())) + ")"
                            : "**MISMATCH** " + t.mismatch(),
                    t.quiverCold() / 1e6, t.quiverHot() / 1e6, t.duckCold() / 1e6, t.duckHot() / 1e6, t.ratio());
        }
        out.println();
        out.printf(Locale.ROOT, "Geometric mean of hot ratios: **%.2fx** over %d queries (target <= 0.7x). ", geomean, valid.size());
        if (worst != null) {
            out.printf(Locale.ROOT, "Worst: %s at %.2fx (limit 2x). ", worst.id(), worst.ratio());
        }
        long over = valid.stream().filter(t -> t.ratio() > 2).count();
        out.printf(Locale.ROOT, "Queries slower than 2x: %d.%n", over);
        timings.stream().filter(t -> t.id().equals(BenchQueries.SIMPLE_AGGREGATE)).findFirst().ifPresent(t -> out.printf(Locale.ROOT,
                "Simple aggregate (%s, sum of one INT column): %.0f M rows/s on %d threads = %.0f M rows/s per core (target >= 300).%n",
                t.id(), rows / (t.quiverHot() / 1e9) / 1e6, threads, rows / (t.quiverHot() / 1e9) / 1e6 / threads));
        long mismatches = timings.size() - valid.size();
        if (mismatches > 0) {
            out.printf("%d queries returned different answers and are left out of the figures.%n", mismatches);
        }
        List<RatioChart.Bar> bars = valid.stream().map(t -> new RatioChart.Bar(t.id(), t.ratio())).toList();
        RatioChart.write(chart, String.format(Locale.ROOT, "Quiver vs DuckDB, %,d rows, %d threads", rows, threads), bars, geomean);
        out.printf("Chart: %s%n", chart);
    }

}
