package io.quiver.query;

import io.quiver.query.catalog.StorageQueryCatalog;
import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.PartitionBy;
import io.quiver.storage.StorageEngine;
import io.quiver.storage.TableSchema;
import io.quiver.storage.table.Table;
import io.quiver.storage.vector.RowBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * EXTRACT(hour | minute) as integer arithmetic, integer comparisons against a constant, and
 * constants reused batch after batch: checked against java.time over timestamps before and after
 * 1970 and batches of different sizes.
 */
class ClockAndConstantKernelsTest {
    private static final List<ColumnDef> COLS = List.of(new ColumnDef("ts", ColumnType.TIMESTAMP),
            new ColumnDef("x", ColumnType.BIGINT), new ColumnDef("s", ColumnType.VARCHAR));

    @TempDir
    Path dir;

    @Test
    void hourAndMinuteMatchJavaTimeAndConstantsHoldInEveryBatch() throws Exception {
        long seed = 20261123;
        SplittableRandom r = new SplittableRandom(seed);
        int rows = 5_000;
        long[] ts = new long[rows];
        Long[] xs = new Long[rows];
        for (int i = 0; i < rows; i++) {
            ts[i] = r.nextLong(-5_000_000_000_000_000L / 1000, 5_000_000_000_000_000L / 1000); // about 1811 to 2128
            xs[i] = r.nextInt(10) == 0 ? null : (long) r.nextInt(7);
        }
        try (StorageEngine storage = StorageEngine.open(dir, StorageDifferentialTest.testConfig());
             QueryEngine engine = new QueryEngine(new StorageQueryCatalog(storage), QueryConfig.defaults().withParallelism(2))) {
            storage.createTable(new TableSchema("t", COLS, "ts", List.of(), PartitionBy.NONE, 1));
            Table t = storage.tableOrThrow("t");
            // appended in chunks of different sizes, half flushed: batches of several sizes reach the kernels
            int from = 0;
            for (int chunk = 0; from < rows; chunk++) {
                int n = Math.min(rows - from, 300 + 700 * (chunk % 3));
                RowBatch b = new RowBatch(COLS, n);
                for (int i = from; i < from + n; i++) {
                    b.column(0).appendLong(ts[i]);
                    if (xs[i] == null) {
                        b.column(1).appendNull();
                    } else {
                        b.column(1).appendLong(xs[i]);
                    }
                    b.column(2).appendString("s" + i % 3);
                }
                b.syncRowCount();
                t.append(null, b).join();
                if (chunk % 2 == 0) {
                    t.flush();
                }
                from += n;
            }
            Map<Long, Long> hours = new TreeMap<>();
            Map<Long, Long> minutes = new TreeMap<>();
            long threes = 0;
            long big = 0;
            for (int i = 0; i < rows; i++) {
                var time = Instant.ofEpochSecond(Math.floorDiv(ts[i], 1_000_000L)).atOffset(ZoneOffset.UTC);
                hours.merge((long) time.getHour(), 1L, Long::sum);
                minutes.merge((long) time.getMinute(), 1L, Long::sum);
                threes += xs[i] != null && xs[i] == 3 ? 1 : 0;
                big += xs[i] != null && xs[i] >= 4 ? 1 : 0;
            }
            assertEquals(rows(hours), Rows.query(engine, "SELECT extract(hour FROM ts) AS h, count(*) FROM t GROUP BY 1 ORDER BY 1"), "seed " + seed);
            assertEquals(rows(minutes), Rows.query(engine, "SELECT extract(minute FROM ts) AS m, count(*) FROM t GROUP BY 1 ORDER BY 1"), "seed " + seed);
            assertEquals(List.of(List.of(threes, big)), Rows.query(engine,
                    "SELECT count(*) FILTER (WHERE x = 3), count(*) FILTER (WHERE x >= 4) FROM t"), "seed " + seed);
            assertEquals(List.of(List.of((long) rows, (long) rows)), Rows.query(engine,
                    "SELECT count(*), sum(CASE WHEN 'k' || s LIKE 'ks%' THEN 1 ELSE 0 END) FROM t"), "a constant in every batch");
        }
    }

    private static List<List<Object>> rows(Map<Long, Long> counts) {
        List<List<Object>> out = new ArrayList<>();
        counts.forEach((k, v) -> out.add(List.of(k, v)));
        return out;
    }
}
