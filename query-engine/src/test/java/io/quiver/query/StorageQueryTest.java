package io.quiver.query;

import io.quiver.query.catalog.StorageQueryCatalog;
import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.PartitionBy;
import io.quiver.storage.StorageConfig;
import io.quiver.storage.StorageEngine;
import io.quiver.storage.TableSchema;
import io.quiver.storage.table.Table;
import io.quiver.storage.vector.RowBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What only real storage can show: zone-map pruning on segments, metadata answers, snapshots under ingest, error mapping. */
class StorageQueryTest {
    private static final long DAY_US = 86_400_000_000L;
    private static final long T0 = 1_735_689_600_000_000L; // 2025-01-01 00:00:00 UTC

    @TempDir
    Path dir;
    private StorageEngine storage;
    private QueryEngine engine;

    private void open(StorageConfig config) throws Exception {
        open(config, 2);
    }

    private void open(StorageConfig config, int parallelism) throws Exception {
        storage = StorageEngine.open(dir, config);
        engine = new QueryEngine(new StorageQueryCatalog(storage), QueryConfig.defaults().withParallelism(parallelism));
    }

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
        if (storage != null) {
            storage.close();
        }
    }

    private static final List<ColumnDef> COLS = List.of(new ColumnDef("ts", ColumnType.TIMESTAMP),
            new ColumnDef("k", ColumnType.VARCHAR), new ColumnDef("v", ColumnType.BIGINT));

    private Table createEvents(PartitionBy partitionBy) throws java.io.IOException {
        storage.createTable(new TableSchema("e", COLS, "ts", List.of(), partitionBy, 1));
        return storage.tableOrThrow("e");
    }

    /** Rows with ts = T0 + row * step, k = "k" + (row % 7), v = row (null every 50th row). */
    private static RowBatch rows(long first, int n, long stepUs) {
        RowBatch b = new RowBatch(COLS, n);
        for (long r = first; r < first + n; r++) {
            b.column(0).appendLong(T0 + r * stepUs);
            b.column(1).appendString("k" + (r % 7));
            if (r % 50 == 0) {
                b.column(2).appendNull();
            } else {
                b.column(2).appendLong(r);
            }
        }
        b.syncRowCount();
        return b;
    }

    private static long figure(String plan, String name) {
        Matcher m = Pattern.compile(name + "=(\\d+)").matcher(plan);
        assertTrue(m.find(), name + " missing in plan:\n" + plan);
        return Long.parseLong(m.group(1));
    }

    private static String plan(List<List<Object>> lines) {
        StringBuilder b = new StringBuilder();
        lines.forEach(l -> b.append(l.get(0)).append('\n'));
        return b.toString();
    }

    @Test
    void timeRangeFilterSkipsSegmentBlocks() throws Exception {
        open(StorageDifferentialTest.testConfig());
        Table t = createEvents(PartitionBy.NONE);
        long step = 10 * DAY_US / 10_000; // 10,000 rows over 10 days, in 4 appends
        for (int part = 0; part < 4; part++) {
            t.append(null, rows(part * 2500L, 2500, step)).join();
        }
        t.flush();
        String sql = "SELECT count(*), sum(v) FROM e WHERE ts >= TIMESTAMP '2025-01-03 00:00:00' AND ts < TIMESTAMP '2025-01-04 00:00:00'";
        long expectCount = 0;
        long expectSum = 0;
        for (long r = 0; r < 10_000; r++) {
            long ts = T0 + r * step;
            if (ts >= T0 + 2 * DAY_US && ts < T0 + 3 * DAY_US) {
                expectCount++;
                expectSum += r % 50 == 0 ? 0 : r;
            }
        }
        assertEquals(List.of(List.of(expectCount, expectSum)), Rows.query(engine, sql));
        String plan = plan(Rows.query(engine, "EXPLAIN ANALYZE " + sql));
        long read = figure(plan, "blocksRead");
        long skipped = figure(plan, "blocksSkipped");
        // 10,000 rows in 256-row blocks = 40 blocks; one day of ten is 1,000 rows = 4 or 5 blocks.
        assertEquals(40, read + skipped, plan);
        assertTrue(read <= 5 && skipped >= 35, plan);
    }

    @Test
    void topNPrunesSplitsAndBlocksByItsFirstKey() throws Exception {
        // One worker: with two, both may open splits before either has a cutoff, so how much is
        // pruned depends on timing; with one, the best split is read first and sets the cutoff.
        open(StorageDifferentialTest.testConfig(), 1);
        Table t = createEvents(PartitionBy.DAY);
        for (int part = 0; part < 5; part++) {
            t.append(null, rows(part * 2000L, 2000, DAY_US / 1000)).join(); // 10 days, one segment per day
            t.flush();
        }
        String sql = "SELECT ts, v FROM e WHERE k <> 'k3' ORDER BY ts DESC, v LIMIT 5";
        List<List<Object>> expected = new ArrayList<>();
        for (long r = 9999; expected.size() < 5; r--) {
            if (r % 7 != 3) {
                expected.add(java.util.Arrays.asList(T0 + r * (DAY_US / 1000), r % 50 == 0 ? null : r));
            }
        }
        assertEquals(expected, Rows.query(engine, sql));
        String plan = plan(Rows.query(engine, "EXPLAIN ANALYZE " + sql));
        assertTrue(figure(plan, "splitsSkippedByTopN") + figure(plan, "blocksSkipped") > 0, plan);
        assertTrue(figure(plan, "blocksRead") < 40, "10 days of 4 blocks each, most pruned:\n" + plan);
        // NULLS FIRST on a column with NULLs must not prune away the NULL rows.
        List<List<Object>> nullsFirst = Rows.query(engine, "SELECT v FROM e ORDER BY v NULLS FIRST LIMIT 3");
        assertEquals(java.util.Arrays.asList(java.util.Arrays.asList((Object) null), java.util.Arrays.asList((Object) null),
                java.util.Arrays.asList((Object) null)), nullsFirst);
        assertEquals(List.of(List.of(9999L), List.of(9998L)), Rows.query(engine, "SELECT v FROM e ORDER BY v DESC NULLS LAST LIMIT 2"));
    }

    @Test
    void countMinMaxComeFromSegmentMetadata() throws Exception {
        open(StorageDifferentialTest.testConfig());
        Table t = createEvents(PartitionBy.DAY);
        t.append(null, rows(0, 3000, DAY_US / 1000)).join(); // 3 days: 3 segments
        t.flush();
        t.append(null, rows(3000, 100, DAY_US / 1000)).join(); // and a memtable
        String sql = "SELECT count(*), count(v), min(v), max(v), min(k), max(ts) FROM e";
        long nulls = 3100 / 50;
        assertEquals(List.of(List.of(3100L, 3100L - nulls, 1L, 3099L, "k0", T0 + 3099 * (DAY_US / 1000))), Rows.query(engine, sql));
        String plan = plan(Rows.query(engine, "EXPLAIN ANALYZE " + sql));
        // Segments answer from zone maps; the memtable has no VARCHAR bounds, so only it is read.
        assertEquals(3, figure(plan, "splitsFromStats"), plan);
        assertEquals(1, figure(plan, "splitsScanned"), plan);
        String scanLine = plan.substring(plan.indexOf("Scan e"));
        assertEquals(100, figure(scanLine, "rows"), "only the memtable's rows are scanned:\n" + plan);
        assertEquals(List.of(List.of(3000L, 1L, 2999L)), Rows.query(engine, "SELECT count(*), min(v), max(v) FROM e WHERE ts < TIMESTAMP '2025-01-04 00:00:00'"));
        String allStats = plan(Rows.query(engine, "EXPLAIN ANALYZE SELECT count(*), min(v), max(ts) FROM e"));
        assertEquals(4, figure(allStats, "splitsFromStats"), allStats);
        assertEquals(0, figure(allStats, "blocksRead"), "no block decoded:\n" + allStats);
        assertEquals(3, t.segments().size());
    }

    @Test
    void queriesSeeEveryAcknowledgedRowWhileIngestAndFlushesContinue() throws Exception {
        open(StorageDifferentialTest.testConfig());
        Table t = createEvents(PartitionBy.DAY);
        int batchRows = 100;
        AtomicLong acked = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread writer = Thread.ofPlatform().name("test-writer").start(() -> {
            try {
                for (long batch = 0; !stop.get() && batch < 2_000; batch++) {
                    t.append(null, rows(batch * batchRows, batchRows, 1_000_000L)).join();
                    acked.addAndGet(batchRows);
                    if (batch % 40 == 39) {
                        t.flush();
                    }
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        List<String> problems = new ArrayList<>();
        int queries = 0;
        long deadline = System.nanoTime() + 3_000_000_000L;
        try {
            while (System.nanoTime() < deadline && writer.isAlive()) {
                long before = acked.get();
                // Two references to e share one snapshot, so the two counts must agree exactly.
                List<Object> row = Rows.query(engine, "SELECT a.c, a.nn, b.c FROM (SELECT count(*) AS c, coalesce(sum(CASE WHEN v IS NULL THEN 0 ELSE 1 END), 0) AS nn FROM e) a,"
                        + " (SELECT count(*) AS c FROM e WHERE v IS NULL OR v IS NOT NULL) b").get(0);
                long count = (Long) row.get(0);
                queries++;
                if (count < before) {
                    problems.add("query missed acknowledged rows: saw " + count + ", acknowledged before start " + before);
                }
                if (count % batchRows != 0) {
                    problems.add("query saw part of a batch: " + count);
                }
                if (!row.get(2).equals(count)) {
                    problems.add("two scans of one query disagree: " + row);
                }
                if ((Long) row.get(1) != count - (count + 49) / 50) {
                    problems.add("non-null count does not match the rows seen: " + row);
                }
            }
        } finally {
            stop.set(true);
            writer.join();
        }
        assertEquals(null, failure.get());
        assertEquals(List.of(), problems);
        assertTrue(queries >= 5 && t.segments().size() > 1, "queries=" + queries + " segments=" + t.segments().size());
        assertEquals(List.of(List.of(acked.get())), Rows.query(engine, "SELECT count(*) FROM e"));
    }

    @Test
    void approxQuantileIsWithinItsBoundAndCountDistinctIsExact() throws Exception {
        open(StorageDifferentialTest.testConfig());
        Table t = createEvents(PartitionBy.NONE);
        int n = 200_000;
        for (int part = 0; part < 4; part++) {
            t.append(null, rows(part * (n / 4L), n / 4, 1_000_000L)).join();
            if (part < 3) {
                t.flush();
            }
        }
        long nonNull = n - n / 50;
        for (double q : new double[]{0.1, 0.5, 0.9}) {
            List<Object> row = Rows.query(engine, "SELECT approx_quantile(v, " + q + "), quantile_disc(v, " + q + ") FROM e").get(0);
            long approx = (Long) row.get(0);
            long exact = (Long) row.get(1);
            // v = 0..n-1 without every 50th value, so a value's rank is about its size: 1.65% of the non-null count.
            assertTrue(Math.abs(approx - exact) <= 0.0165 * nonNull * (50.0 / 49), "q=" + q + " approx=" + approx + " exact=" + exact);
        }
        assertEquals(List.of(List.of(nonNull, 7L, (long) n)), Rows.query(engine, "SELECT count(DISTINCT v), count(DISTINCT k), count(DISTINCT ts) FROM e"));
        // v is unique, so per group the distinct count equals the non-null count (7 groups, sets merged across threads).
        assertEquals(List.of(List.of(7L, 7L)), Rows.query(engine,
                "SELECT count(*), sum(CASE WHEN dv = cv THEN 1 ELSE 0 END) FROM (SELECT k, count(DISTINCT v) AS dv, count(v) AS cv FROM e GROUP BY k) g"));
    }

    @Test
    void storageErrorsMapToQueryErrors() throws Exception {
        open(StorageDifferentialTest.testConfig().memtableMaxBytes(256 << 10).memtableFlushBytes(1L << 40).memtableFullWaitMs(0));
        engine.execute("CREATE TABLE e (ts TIMESTAMP, k VARCHAR, v BIGINT)").close();
        QueryException e = assertThrows(QueryException.class, () -> engine.execute("CREATE TABLE E (ts TIMESTAMP)").close());
        assertEquals(ErrorCode.DUPLICATE_TABLE, e.code());
        assertEquals("42P07", e.sqlState());
        engine.execute("CREATE TABLE IF NOT EXISTS e (ts TIMESTAMP)").close();
        e = assertThrows(QueryException.class, () -> engine.execute("DROP TABLE nope").close());
        assertEquals(ErrorCode.UNKNOWN_TABLE, e.code());
        e = assertThrows(QueryException.class, () -> engine.execute("INSERT INTO e VALUES (NULL, 'a', 1)").close());
        assertEquals(ErrorCode.INVALID_VALUE, e.code());
        assertTrue(e.getMessage().contains("designated timestamp"), e.getMessage());
        e = assertThrows(QueryException.class, () -> engine.execute("ALTER TABLE e ADD COLUMN k INT").close());
        assertEquals(ErrorCode.DUPLICATE_COLUMN, e.code());

        Table t = storage.tableOrThrow("e");
        Random r = new Random(7);
        QueryException full = null;
        for (int i = 0; i < 1_000 && full == null; i++) {
            try {
                new StorageQueryCatalog(storage).insert("e", rows(i * 1000L, 1000, r.nextInt(1000) + 1));
            } catch (QueryException x) {
                full = x;
            }
        }
        assertTrue(full != null, "memtable limit never reached, rows=" + t.rowCount());
        assertEquals(ErrorCode.INSUFFICIENT_RESOURCES, full.code(), full.getMessage());
        assertEquals("53000", full.sqlState());
        assertTrue(t.rowCount() > 0 && t.rowCount() % 1000 == 0, "accepted batches are whole: " + t.rowCount());
        assertEquals(List.of(List.of(t.rowCount())), Rows.query(engine, "SELECT count(*) FROM e"), "engine healthy after the refusal");
    }
}
