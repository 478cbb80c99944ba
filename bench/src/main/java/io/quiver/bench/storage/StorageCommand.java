package io.quiver.bench.storage;

import io.quiver.bench.BenchCommand;
import io.quiver.bench.BenchContext;
import io.quiver.bench.BenchEnvironment;
import io.quiver.bench.Options;
import io.quiver.bench.ResultTable;
import io.quiver.bench.duckdb.DuckDb;
import io.quiver.bench.limits.LimitsCommand;
import io.quiver.storage.Durability;
import io.quiver.storage.StorageConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code ops/quiver-bench storage}: the storage engine's end-to-end figures, each beside DuckDB's:
 * {@code scan} (decode + SUM over a large BIGINT segment), {@code wal} (WAL append throughput with
 * group commit per durability mode), {@code footprint} (bytes per row of an events dataset on disk). Codec throughput per type is a JMH benchmark
 * ({@code ops/quiver-bench jmh SegmentCodecBenchmark}).
 */
public final class StorageCommand implements BenchCommand {
    static final List<String> PARTS = List.of("scan", "wal", "footprint");

    @Override
    public String name() {
        return "storage";
    }

    @Override
    public String summary() {
        return "storage figures vs DuckDB: segment SUM scan, WAL group commit, bytes per row on disk";
    }

    @Override
    public String usage() {
        return """
                  --parts=scan,wal,footprint  which figures to produce
                  --dir=PATH              scratch directory (default: a new one under java.io.tmpdir, deleted after)
                  --keep                  keep the scratch directory
                  --seed=42               data seed
                  --duckdb-memory=8GB     DuckDB memory_limit (threads = cores)
                scan:
                  --scan-rows=100m        rows in the BIGINT segment
                  --passes=5              timed passes per figure (after a warm-up pass)
                  --threads=1,N           scan thread counts (N = cores), over disjoint block ranges
                  --scan-duckdb=true      load the same values into DuckDB and time SELECT sum(v)
                wal:
                  --wal-modes=fsync,batch,none  durability modes
                  --wal-threads=1,4,16    appender threads (each waits for its ack)
                  --wal-seconds=2         duration per mode and thread count
                  --wal-batch-rows=100    events per WAL record
                  --wal-duckdb=true       the same batches as DuckDB transactions (commit per batch)
                footprint:
                  --rows=10m              events generated
                  --days=7                days the events span (one partition per day)
                  --dedup-capacity=N      the table's batch-id index capacity (default: the engine's default)""";
    }

    @Override
    public int run(String[] args, BenchContext context) throws Exception {
        Options o = Options.parse(args);
        List<String> parts = o.list("parts", String.join(",", PARTS));
        for (String p : parts) {
            if (!PARTS.contains(p)) {
                throw new IllegalArgumentException("unknown part '" + p + "', expected some of " + PARTS);
            }
        }
        boolean keep = o.flag("keep");
        Path dir = o.has("dir") ? Path.of(o.string("dir", null)) : Files.createTempDirectory("quiver-bench-storage");
        long seed = o.size("seed", 42);
        String duckMemory = o.string("duckdb-memory", DuckDb.MEMORY_LIMIT_DEFAULT);
        long scanRows = o.size("scan-rows", 100_000_000);
        int passes = o.intValue("passes", 5);
        List<Integer> threads = o.intList("threads", LimitsCommand.defaultThreads());
        boolean scanDuck = Boolean.parseBoolean(o.string("scan-duckdb", "true"));
        List<Durability> walModes = o.list("wal-modes", "fsync,batch,none").stream().map(Durability::parse).toList();
        List<Integer> walThreads = o.intList("wal-threads", "1,4,16");
        double walSeconds = o.doubleValue("wal-seconds", 2);
        int walBatchRows = o.intValue("wal-batch-rows", 100);
        boolean walDuck = Boolean.parseBoolean(o.string("wal-duckdb", "true"));
        long rows = o.size("rows", 10_000_000);
        int days = o.intValue("days", 7);
        long dedupCapacity = o.size("dedup-capacity", StorageConfig.DEDUP_CAPACITY_DEFAULT);
        o.rejectUnused();
        Files.createDirectories(dir);
        context.progress().say("storage: parts %s in %s", parts, dir);
        try {
            Set<String> want = Set.copyOf(parts);
            if (want.contains("scan")) {
                Path d = Files.createDirectories(dir.resolve("scan"));
                new ScanSumRun(d, scanRows, passes, threads, scanDuck, duckMemory, seed, context.progress()).run()
                        .note("%s", BenchEnvironment.describe()).print(context.out());
                if (!keep) {
                    DiskUsage.deleteRecursively(d);
                }
            }
            if (want.contains("wal")) {
                Path d = Files.createDirectories(dir.resolve("wal"));
                new WalAppendRun(d, walModes, walThreads, walSeconds, walBatchRows, walDuck, duckMemory, seed,
                        context.progress()).run().note("%s", BenchEnvironment.describe()).print(context.out());
                DiskUsage.deleteRecursively(d);
            }
            if (want.contains("footprint")) {
                Path d = Files.createDirectories(dir.resolve("footprint"));
                for (ResultTable t : new FootprintRun(d, rows, days, seed, duckMemory, BenchEnvironment.cores(),
                        dedupCapacity, context.progress()).run()) {
                    t.print(context.out());
                }
                if (!keep) {
                    DiskUsage.deleteRecursively(d);
                }
            }
        } finally {
            if (!keep) {
                DiskUsage.deleteRecursively(dir);
            }
        }
        return 0;
    }
}
