package io.quiver.query;

import io.quiver.query.catalog.StorageQueryCatalog;
import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.PartitionBy;
import io.quiver.storage.StorageEngine;
import io.quiver.storage.TableSchema;
import io.quiver.storage.table.Table;
import io.quiver.storage.vector.RowBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Filters of {@code integer column op constant} conjuncts evaluated by storage on encoded blocks,
 * and global aggregates folded from block summaries, over segments (FOR, CONSTANT, DELTA, PLAIN
 * blocks, with NULLs) plus unflushed memtable rows: answers checked against values computed here.
 */
class EncodedScanQueryTest {
    private static final long T0 = 1_735_689_600_000_000L;
    private static final int FLUSHED = 6_000;
    private static final int ROWS = 6_500; // the last 500 stay in the memtable
    private static final List<ColumnDef> COLUMNS = List.of(new ColumnDef("ts", ColumnType.TIMESTAMP),
            new ColumnDef("bot", ColumnType.BOOLEAN), new ColumnDef("status", ColumnType.SMALLINT),
            new ColumnDef("dur", ColumnType.INT), new ColumnDef("seq", ColumnType.BIGINT),
            new ColumnDef("noise", ColumnType.BIGINT), new ColumnDef("huge", ColumnType.BIGINT));

    @TempDir
    Path dir;
    private StorageEngine storage;
    private QueryEngine engine;

    /** NULL every 17th row in blocks 3..5; a bot every 9th row; none in block 7 (256-row blocks). */
    private static Long bot(long r) {
        long block = r / 256;
        if (block >= 3 && block <= 5 && r % 17 == 0) {
            return null;
        }
        return block != 7 && r % 9 == 0 ? 1L : 0L;
    }

    /** Mostly 200; 404 and 500 now and then; NULL every 23rd row; all 200 in block 2 (a CONSTANT block). */
    private static Long status(long r) {
        if (r / 256 == 2) {
            return 200L;
        }
        if (r % 23 == 0) {
            return null;
        }
        return r % 7 == 3 ? 404L : r % 11 == 5 ? 500L : 200L;
    }

    private static Long dur(long r) {
        return r % 31 == 0 ? null : (r * 7919) % 1000;
    }

    private static long seq(long r) {
        return 3 * r - 5000;
    }

    private static long noise(long r) {
        return r * 0x9E3779B97F4A7C15L;
    }

    private static long huge(long r) {
        return Long.MAX_VALUE / 4 + r % 5;
    }

    @BeforeEach
    void load() throws Exception {
        storage = StorageEngine.open(dir, StorageDifferentialTest.testConfig());
        engine = new QueryEngine(new StorageQueryCatalog(storage), QueryConfig.defaults().withParallelism(2));
        storage.createTable(new TableSchema("t", COLUMNS, "ts", List.of(), PartitionBy.NONE, 1));
        Table t = storage.tableOrThrow("t");
        append(t, 0, FLUSHED);
        t.flush();
        append(t, FLUSHED, ROWS);
    }

    private static void append(Table t, int from, int to) {
        RowBatch b = new RowBatch(COLUMNS, to - from);
        for (long r = from; r < to; r++) {
            b.column(0).appendLong(T0 + r * 1_000_000L);
            appendNullable(b, 1, bot(r));
            appendNullable(b, 2, status(r));
            appendNullable(b, 3, dur(r));
            b.column(4).appendLong(seq(r));
            b.column(5).appendLong(noise(r));
            b.column(6).appendLong(huge(r));
        }
        b.syncRowCount();
        t.append(null, b).join();
    }

    private static void appendNullable(RowBatch b, int c, Long v) {
        if (v == null) {
            b.column(c).appendNull();
        } else {
            b.column(c).appendLong(v);
        }
    }

    @AfterEach
    void close() {
        engine.close();
        storage.close();
    }

    private List<List<Object>> q(String sql) {
        return Rows.query(engine, sql);
    }

    private String explain(String sql) {
        StringBuilder s = new StringBuilder();
        Rows.query(engine, "EXPLAIN ANALYZE " + sql).forEach(l -> s.append(l.get(0)).append('\n'));
        return s.toString();
    }

    private static long figure(String plan, String name) {
        Matcher m = Pattern.compile(name + "=(\\d+)").matcher(plan);
        assertTrue(m.find(), name + " missing in plan:\n" + plan);
        return Long.parseLong(m.group(1));
    }

    private static long count(LongPredicate row) {
        long n = 0;
        for (long r = 0; r < ROWS; r++) {
            n += row.test(r) ? 1 : 0;
        }
        return n;
    }

    private static boolean is(Long v, long x) {
        return v != null && v == x;
    }

    @Test
    void conjunctsOfIntegerComparisonsAreEvaluatedOnEncodedBlocks() {
        String sql = "SELECT count(*) FROM t WHERE bot = false AND status = 200";
        assertEquals(List.of(List.of(count(r -> is(bot(r), 0) && is(status(r), 200)))), q(sql));
        String plan = explain(sql);
        assertEquals(2, figure(plan, "conjunctsOnEncodedBlocks"), plan);
        assertEquals(List.of(List.of(count(r -> is(bot(r), 1)))), q("SELECT count(*) FROM t WHERE bot"));
        assertEquals(List.of(List.of(count(r -> is(bot(r), 0)))), q("SELECT count(*) FROM t WHERE NOT bot"));
        assertEquals(List.of(List.of(count(r -> status(r) != null && status(r) != 200 && dur(r) != null && dur(r) > 500))),
                q("SELECT count(*) FROM t WHERE status <> 200 AND 500 < dur"));
        assertEquals(List.of(List.of(count(r -> seq(r) >= 100 && seq(r) < 9000 && status(r) != null && status(r) <= 404))),
                q("SELECT count(*) FROM t WHERE seq >= 100 AND seq < 9000 AND status <= 404"));
        assertEquals(List.of(List.of(count(r -> noise(r) > 0))), q("SELECT count(*) FROM t WHERE noise > 0"));
        assertEquals(List.of(List.of(0L)), q("SELECT count(*) FROM t WHERE status = 201"));
    }

    @Test
    void pushedConjunctsCombineWithTheRestOfTheFilterAndTheOutputs() {
        // a residual conjunct on the rows the pushed ones kept
        long sum = 0;
        for (long r = 0; r < ROWS; r++) {
            if (is(status(r), 404) && dur(r) != null && dur(r) % 7 == 3) {
                sum += dur(r);
            }
        }
        assertEquals(List.of(List.of(sum)), q("SELECT sum(dur) FROM t WHERE status = 404 AND dur % 7 = 3"));
        // the pushed column is read above the scan too
        List<List<Object>> grouped = new ArrayList<>();
        for (long s : new long[] {404, 500}) {
            grouped.add(List.of(s, count(r -> is(status(r), s) && is(bot(r), 0))));
        }
        assertEquals(grouped, q("SELECT status, count(*) FROM t WHERE status >= 400 AND bot = false GROUP BY status ORDER BY status"));
        // a top-N over a pushed filter
        List<List<Object>> top = new ArrayList<>();
        for (long r = ROWS - 1; r >= 0 && top.size() < 4; r--) {
            if (is(status(r), 500)) {
                top.add(Arrays.asList(r, dur(r)));
            }
        }
        assertEquals(top, q("SELECT (seq + 5000) / 3, dur FROM t WHERE status = 500 ORDER BY ts DESC LIMIT 4"));
    }

    @Test
    void globalAggregatesFoldBlockSummaries() {
        long n = 0;
        long durSum = 0;
        long durCount = 0;
        long statusMin = Long.MAX_VALUE;
        long statusMax = Long.MIN_VALUE;
        long seqSum = 0;
        long noiseMax = Long.MIN_VALUE;
        for (long r = 0; r < ROWS; r++) {
            n++;
            if (dur(r) != null) {
                durSum += dur(r);
                durCount++;
            }
            if (status(r) != null) {
                statusMin = Math.min(statusMin, status(r));
                statusMax = Math.max(statusMax, status(r));
            }
            seqSum += seq(r);
            noiseMax = Math.max(noiseMax, noise(r));
        }
        String sql = "SELECT count(*), sum(dur), avg(dur), count(dur), min(status), max(status), sum(seq), max(noise), min(bot) FROM t";
        List<Object> row = q(sql).get(0);
        assertEquals(List.of(n, durSum), row.subList(0, 2));
        assertEquals((double) durSum / durCount, (Double) row.get(2), 1e-9);
        assertEquals(List.of(durCount, statusMin, statusMax, seqSum, noiseMax), row.subList(3, 8));
        assertEquals(false, row.get(8));
        String plan = explain(sql);
        assertTrue(figure(plan, "columnBlocksFromSummaries") > 0, plan);
        // a sum past BIGINT is still an error: the summaries decline it, the decoded values raise it
        QueryException e = assertThrows(QueryException.class, () -> q("SELECT sum(huge) FROM t"));
        assertEquals(ErrorCode.NUMERIC_OVERFLOW, e.code(), e.getMessage());
        assertEquals(List.of(List.of(Long.MAX_VALUE / 4 + 4)), q("SELECT max(huge) FROM t"));
    }
}
