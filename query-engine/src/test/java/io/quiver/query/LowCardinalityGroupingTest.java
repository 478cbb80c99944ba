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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * GROUP BY on several low-cardinality strings, where segment blocks arrive as dictionary codes and
 * are grouped by code combination, while memtable rows of the same table go through the hashing
 * path: both must land in the same groups (with NULL as a key of its own), checked against Java.
 */
class LowCardinalityGroupingTest {
    private static final long T0 = 1_735_689_600_000_000L;
    private static final List<ColumnDef> COLS = List.of(new ColumnDef("ts", ColumnType.TIMESTAMP),
            new ColumnDef("os", ColumnType.VARCHAR), new ColumnDef("browser", ColumnType.VARCHAR), new ColumnDef("v", ColumnType.BIGINT));

    @TempDir
    Path dir;

    private static String os(long r) {
        return r % 11 == 0 ? null : "os" + (r * 31 % 5);
    }

    private static String browser(long r) {
        return r % 17 == 0 ? null : "b" + (r * 7 % 6);
    }

    private static void append(Table t, long from, long to) {
        RowBatch b = new RowBatch(COLS, (int) (to - from));
        for (long r = from; r < to; r++) {
            b.column(0).appendLong(T0 + r * 1_000_000L);
            if (os(r) == null) {
                b.column(1).appendNull();
            } else {
                b.column(1).appendString(os(r));
            }
            if (browser(r) == null) {
                b.column(2).appendNull();
            } else {
                b.column(2).appendString(browser(r));
            }
            b.column(3).appendLong(r);
        }
        b.syncRowCount();
        t.append(null, b).join();
    }

    @Test
    void segmentCodesAndMemtableStringsFallIntoTheSameGroups() throws Exception {
        int flushed = 30_000;
        int total = 34_000;
        try (StorageEngine storage = StorageEngine.open(dir, StorageDifferentialTest.testConfig());
             QueryEngine engine = new QueryEngine(new StorageQueryCatalog(storage), QueryConfig.defaults().withParallelism(2))) {
            storage.createTable(new TableSchema("t", COLS, "ts", List.of(), PartitionBy.NONE, 1));
            Table t = storage.tableOrThrow("t");
            append(t, 0, flushed);
            t.flush();
            append(t, flushed, total);

            Comparator<String> nullsFirst = Comparator.nullsFirst(Comparator.naturalOrder());
            Map<List<String>, long[]> groups = new TreeMap<>((x, y) -> {
                int c = nullsFirst.compare(x.get(0), y.get(0));
                return c != 0 ? c : nullsFirst.compare(x.get(1), y.get(1));
            });
            for (long r = 0; r < total; r++) {
                long[] g = groups.computeIfAbsent(Arrays.asList(os(r), browser(r)), k -> new long[2]);
                g[0]++;
                g[1] += r;
            }
            List<List<Object>> expected = new ArrayList<>();
            groups.forEach((k, g) -> expected.add(Arrays.asList(k.get(0), k.get(1), g[0], g[1])));
            assertEquals(expected, Rows.query(engine, "SELECT os, browser, count(*), sum(v) FROM t GROUP BY os, browser "
                    + "ORDER BY os NULLS FIRST, browser NULLS FIRST"));
            // the same keys in the other order: another combination layout over the same codes
            List<List<Object>> swapped = new ArrayList<>();
            expected.forEach(row -> swapped.add(Arrays.asList(row.get(1), row.get(0), row.get(2))));
            swapped.sort(Comparator.comparing((List<Object> row) -> (String) row.get(0), nullsFirst)
                    .thenComparing(row -> (String) row.get(1), nullsFirst));
            assertEquals(swapped, Rows.query(engine, "SELECT browser, os, count(*) FROM t GROUP BY browser, os "
                    + "ORDER BY browser NULLS FIRST, os NULLS FIRST"));
        }
    }
}
