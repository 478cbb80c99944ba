package io.quiver.bench.query;

import io.quiver.query.QueryConfig;
import io.quiver.query.QueryEngine;
import io.quiver.query.QueryResult;
import io.quiver.query.catalog.StorageQueryCatalog;
import io.quiver.storage.Durability;
import io.quiver.storage.StorageConfig;
import io.quiver.storage.StorageEngine;
import io.quiver.storage.vector.RowBatch;

import java.nio.file.Path;
import java.util.List;

/**
 * Quiver alone over the tables a {@code QueryBench --dir D --keep} run left behind: prints EXPLAIN
 * ANALYZE of each chosen query, then its best time over {@code --runs} runs. For iterating on one
 * query under a profiler (JFR, perf) without DuckDB in the process.
 *
 * <p>{@code java -cp 'bench/target/classes:bench/target/lib/*' io.quiver.bench.query.QueryProfile
 * --dir /tmp/q10m --only Q29,Q21 --runs 10}
 */
public final class QueryProfile {
    private QueryProfile() {
    }

    public static void main(String[] args) throws Exception {
        io.quiver.bench.Options o = io.quiver.bench.Options.parse(args);
        Path dir = Path.of(o.string("dir", null));
        List<String> only = o.list("only", "");
        int runs = o.intValue("runs", 5);
        int threads = o.intValue("threads", io.quiver.bench.BenchEnvironment.cores());
        boolean explain = !o.flag("no-explain");
        boolean each = o.flag("each"); // every run's time, to see the JIT warm up over the first runs
        o.rejectUnused();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        try (StorageEngine storage = StorageEngine.open(dir.resolve("quiver"), new StorageConfig().durability(Durability.NONE)
                .dedupCapacity(10_000).memtableMaxBytes(1L << 30));
             QueryEngine engine = new QueryEngine(new StorageQueryCatalog(storage), QueryConfig.defaults().withParallelism(threads))) {
            for (BenchQueries.BenchQuery q : BenchQueries.ALL) {
                if (!only.isEmpty() && !only.contains(q.id())) {
                    continue;
                }
                if (explain) {
                    System.out.println(q.id() + ": " + q.sql());
                    System.out.println(firstColumn(engine, "EXPLAIN ANALYZE " + q.sql()));
                }
                long best = Long.MAX_VALUE;
                long cpu = 0;
                for (int r = 0; r < runs; r++) {
                    long c0 = os.getProcessCpuTime();
                    long t0 = System.nanoTime();
                    ResultRows.quiver(engine, q.sql());
                    long took = System.nanoTime() - t0;
                    best = Math.min(best, took);
                    if (r >= runs / 2) {
                        cpu += os.getProcessCpuTime() - c0; // the later half: the JIT has settled
                    }
                    if (each) {
                        System.out.printf("%s run %d: %.1f ms%n", q.id(), r + 1, took / 1e6);
                    }
                }
                // the process's CPU time moves less than wall time on a machine shared with other work (a mean: its clock ticks are 10 ms)
                System.out.printf("%s best of %d: %.1f ms (process CPU, mean of the last %d: %.1f ms)%n", q.id(), runs, best / 1e6,
                        runs - runs / 2, cpu / 1e6 / Math.max(1, runs - runs / 2));
            }
        }
    }

    private static String firstColumn(QueryEngine engine, String sql) {
        StringBuilder s = new StringBuilder();
        try (QueryResult r = engine.execute(sql)) {
            RowBatch b;
            while ((b = r.cursor().next()) != null) {
                for (int i = 0; i < b.rowCount(); i++) {
                    s.append(b.column(0).getString(i)).append('\n');
                }
            }
        }
        return s.toString();
    }
}
