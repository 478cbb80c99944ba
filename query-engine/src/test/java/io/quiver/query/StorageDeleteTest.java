package io.quiver.query;

import io.quiver.query.catalog.QueryCatalog;
import io.quiver.query.catalog.StorageQueryCatalog;
import io.quiver.query.catalog.TableHandle;
import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.PartitionBy;
import io.quiver.storage.StorageEngine;
import io.quiver.storage.TableSchema;
import io.quiver.storage.scan.ScanPredicate;
import io.quiver.storage.table.RowFilter;
import io.quiver.storage.table.Table;
import io.quiver.storage.vector.RowBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SQL DELETE over the real storage engine: delete vectors skipped at scan, zone-map pruning of the
 * delete itself and of later queries, metadata answers (COUNT/MIN/MAX) that must not count deleted
 * rows, snapshots opened before a delete, restart, memtable rows, and compaction making it physical.
 */
class StorageDeleteTest {
    private static final long DAY_US = 86_400_000_000L;
    private static final long T0 = 1_735_689_600_000_000L; // 2025-01-01 00:00:00 UTC
    private static final List<ColumnDef> COLS = List.of(new ColumnDef("ts", ColumnType.TIMESTAMP),
            new ColumnDef("k", ColumnType.VARCHAR), new ColumnDef("v", ColumnType.BIGINT));

    @TempDir
    Path dir;
    private StorageEngine storage;
    private QueryEngine engine;
    /** Rows the last DELETEs handed to their filter: what the prune predicate did not skip. */
    private final AtomicLong rowsEvaluated = new AtomicLong();

    private void open() throws Exception {
        // Compaction on (compact() is a no-op otherwise), but only when a test calls it: the background runs hourly.
        storage = StorageEngine.open(dir, StorageDifferentialTest.testConfig().compactionEnabled(true));
        engine = new QueryEngine(new CountingCatalog(new StorageQueryCatalog(storage), rowsEvaluated),
                QueryConfig.defaults().withParallelism(2));
    }

    private void reopen() throws Exception {
        engine.close();
        storage.close();
        open();
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

    /** 10 days of 1,000 rows, one segment per day (4 blocks of 256 rows each): ts = T0 + r * 86.4 s, k = "k" + r % 7, v = r (NULL every 50th). */
    private Table tenDays() throws Exception {
        storage.createTable(new TableSchema("e", COLS, "ts", List.of(), PartitionBy.DAY, 1));
        Table t = storage.tableOrThrow("e");
        for (int day = 0; day < 10; day++) {
            t.append(null, rows(day * 1000L, 1000)).join();
            t.flush();
        }
        return t;
    }

    private static RowBatch rows(long first, int n) {
        RowBatch b = new RowBatch(COLS, n);
        for (long r = first; r < first + n; r++) {
            b.column(0).appendLong(T0 + r * (DAY_US / 1000));
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

    private long update(String sql) {
        try (QueryResult r = engine.execute(sql)) {
            return r.updateCount();
        }
    }

    private List<List<Object>> q(String sql) {
        return Rows.query(engine, sql);
    }

    private String explainAnalyze(String sql) {
        StringBuilder b = new StringBuilder();
        q("EXPLAIN ANALYZE " + sql).forEach(l -> b.append(l.get(0)).append('\n'));
        return b.toString();
    }

    private static long figure(String plan, String name) {
        Matcher m = Pattern.compile(name + "=(\\d+)").matcher(plan);
        assertTrue(m.find(), name + " missing in plan:\n" + plan);
        return Long.parseLong(m.group(1));
    }

    @Test
    void deleteReadsOnlyBlocksItsTimeRangeCanMatchAndQueriesStillPrune() throws Exception {
        open();
        tenDays();
        // Day 3 is rows 2000..2999: its even non-null v go (500 even rows, minus 20 NULLs at multiples of 50).
        assertEquals(480, update("DELETE FROM e WHERE ts >= '2025-01-03' AND ts < TIMESTAMP '2025-01-04 00:00:00' AND v % 2 = 0"));
        assertTrue(rowsEvaluated.get() >= 1000 && rowsEvaluated.get() <= 1024,
                "only day 3's blocks are read by the delete [rowsEvaluated=" + rowsEvaluated.get() + ']');
        assertEquals(List.of(List.of(9520L, 520L)), q("SELECT count(*), count(*) FILTER (WHERE ts >= '2025-01-03' AND ts < '2025-01-04') FROM e"));
        String sql = "SELECT count(*), sum(v) FROM e WHERE ts >= '2025-01-03' AND ts < '2025-01-04'";
        long odd = 0;
        for (long r = 2001; r < 3000; r += 2) {
            odd += r;
        }
        assertEquals(List.of(List.of(520L, odd)), q(sql));
        String plan = explainAnalyze(sql);
        assertEquals(4, figure(plan, "blocksRead"), plan);
        assertEquals(36, figure(plan, "blocksSkipped"), plan);
    }

    @Test
    void countMinMaxFromMetadataDoNotCountDeletedRows() throws Exception {
        open();
        tenDays();
        assertEquals(2, update("DELETE FROM e WHERE v = 9999 OR v = 1"), "the largest and smallest v");
        String sql = "SELECT count(*), count(v), min(v), max(v), min(ts), max(ts), min(k) FROM e";
        assertEquals(List.of(List.of(9998L, 9998L - 200, 2L, 9998L, T0 + 0, T0 + 9998 * (DAY_US / 1000), "k0")), q(sql));
        String plan = explainAnalyze(sql);
        assertEquals(8, figure(plan, "splitsFromStats"), "segments without deletes answer from metadata:\n" + plan);
        assertEquals(2, figure(plan, "splitsScanned"), "the two segments with deletes are read:\n" + plan);
        // Deleting every row of a day leaves a segment whose blocks are all skipped.
        assertEquals(999, update("DELETE FROM e WHERE ts < '2025-01-02'"), "day 1 without the row deleted before");
        assertEquals(List.of(List.of(8999L, 1001L, 9998L)), q("SELECT count(*), min(v), max(v) FROM e"));
    }

    @Test
    void snapshotOpenedBeforeTheDeleteStillSeesTheRows() throws Exception {
        open();
        Table t = tenDays();
        t.append(null, rows(10_000, 500)).join(); // and a memtable, which the delete flushes
        try (QueryResult r = engine.execute("SELECT v FROM e")) {
            RowBatch first = r.cursor().next();
            long seen = first.rowCount();
            assertEquals(10_500, update("DELETE FROM e"));
            assertEquals(List.of(List.of(0L)), q("SELECT count(*) FROM e"), "a new query sees the delete");
            for (RowBatch b = r.cursor().next(); b != null; b = r.cursor().next()) {
                seen += b.rowCount();
            }
            assertEquals(10_500, seen, "the query that started before the delete reads its whole snapshot");
        }
    }

    @Test
    void deletesSurviveRestartAndCompactionMakesThemPhysicalWithTheSameAnswers() throws Exception {
        open();
        tenDays();
        assertEquals(2000 - 40 - 1, update("DELETE FROM e WHERE v IS NOT NULL AND (v < 1000 OR v >= 9000) AND v <> 501"),
                "days 1 and 10 emptied but for v = 501 and the NULLs");
        assertEquals(1120, update("DELETE FROM e WHERE k IN ('k1', 'k2') AND v BETWEEN 3000 AND 6999"));
        List<String> queries = List.of("SELECT count(*), count(v), min(v), max(v), sum(v), min(ts), max(ts) FROM e",
                "SELECT k, count(*), sum(v) FROM e GROUP BY k ORDER BY k",
                "SELECT count(*) FROM e WHERE ts >= '2025-01-05' AND ts < '2025-01-06'",
                "SELECT v FROM e ORDER BY v DESC NULLS LAST LIMIT 3");
        List<List<List<Object>>> before = new ArrayList<>();
        for (String sql : queries) {
            before.add(q(sql));
        }
        assertEquals(10_000L - 1959 - 1120, before.get(0).get(0).get(0));
        assertEquals(501L, before.get(0).get(0).get(2));
        reopen();
        for (int i = 0; i < queries.size(); i++) {
            assertEquals(before.get(i), q(queries.get(i)), "after restart: " + queries.get(i));
        }
        Table t = storage.tableOrThrow("e");
        int rounds = 0;
        while (t.compact() > 0) {
            rounds++;
        }
        assertTrue(rounds > 0, "segments at least a fifth deleted were rewritten");
        for (int i = 0; i < queries.size(); i++) {
            assertEquals(before.get(i), q(queries.get(i)), "after compaction: " + queries.get(i));
        }
        String plan = explainAnalyze("SELECT count(*), min(v), max(ts) FROM e");
        assertEquals(0, figure(plan, "splitsScanned"), "rewritten segments have exact metadata again:\n" + plan);
        reopen();
        assertEquals(before.get(1), q(queries.get(1)), "after compaction and restart");
    }

    @Test
    void deleteRowsJustIngestedIntoTheMemtableThenInsertAndDeleteAgain() throws Exception {
        open();
        assertEquals(0, update("CREATE TABLE m (ts TIMESTAMP, k VARCHAR, v BIGINT)"));
        assertEquals(3, update("INSERT INTO m VALUES ('2025-01-01 00:00:00', 'a', 1), ('2025-01-01 00:00:01', 'b', 2),"
                + " ('2025-01-01 00:00:02', 'c', NULL)"));
        assertEquals(0, storage.tableOrThrow("m").segments().size(), "the rows are still in the memtable");
        assertEquals(1, update("DELETE FROM m WHERE k = 'b'"));
        assertEquals(List.of(List.of("a"), List.of("c")), q("SELECT k FROM m ORDER BY k"));
        assertEquals(2, update("INSERT INTO m VALUES ('2025-01-02 00:00:00', 'b', 20), ('2025-01-02 00:00:01', 'd', 4)"));
        assertEquals(List.of(List.of(4L, 1L, 20L)), q("SELECT count(*), min(v), max(v) FROM m"));
        assertEquals(2, update("DELETE FROM m WHERE v > 1"));
        assertEquals(List.of(List.of("a", 1L), java.util.Arrays.asList("c", null)), q("SELECT k, v FROM m ORDER BY k"));
        reopen();
        assertEquals(List.of(List.of("a", 1L), java.util.Arrays.asList("c", null)), q("SELECT k, v FROM m ORDER BY k"));
    }

    @Test
    void deleteByAColumnAddedAfterTheSegmentsWereWritten() throws Exception {
        open();
        tenDays();
        assertEquals(0, update("ALTER TABLE e ADD COLUMN tag VARCHAR"));
        assertEquals(1, update("INSERT INTO e VALUES ('2025-01-11 00:00:00', 'k9', 10000, 'keep')"));
        // Old segments read the new column as NULL: "tag IS NULL" matches them, "tag = 'x'" matches nothing there.
        assertEquals(0, update("DELETE FROM e WHERE tag = 'gone'"));
        assertEquals(10_000, update("DELETE FROM e WHERE tag IS NULL"));
        assertEquals(List.of(List.of("k9", 10000L, "keep")), q("SELECT k, v, tag FROM e"));
    }

    /** Delegates to the storage catalog and counts the rows each DELETE's filter is asked about. */
    private record CountingCatalog(QueryCatalog inner, AtomicLong evaluated) implements QueryCatalog {
        @Override
        public List<String> tableNames() {
            return inner.tableNames();
        }

        @Override
        public Optional<TableHandle> table(String name) {
            return inner.table(name);
        }

        @Override
        public TableSchema createTable(TableSchema schema, boolean ifNotExists) {
            return inner.createTable(schema, ifNotExists);
        }

        @Override
        public void dropTable(String name, boolean ifExists) {
            inner.dropTable(name, ifExists);
        }

        @Override
        public TableSchema addColumn(String table, ColumnDef column) {
            return inner.addColumn(table, column);
        }

        @Override
        public long insert(String table, RowBatch rows) {
            return inner.insert(table, rows);
        }

        @Override
        public long delete(String table, int[] columns, ScanPredicate prune, RowFilter filter) {
            evaluated.set(0);
            return inner.delete(table, columns, prune, (rows, matches) -> {
                evaluated.addAndGet(rows.rowCount());
                filter.evaluate(rows, matches);
            });
        }
    }
}
