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
 * COUNT(*) with SUM/AVG of a mostly-NULL double per low-cardinality key (Q09: country with
 * count(*) and sum(revenue)), which is counted and summed per key value: segment blocks (256 rows)
 * whose revenue is all NULL, never NULL, 94% NULL (stored SPARSE) or half NULL, keys that are
 * dictionary codes in segments and strings in the memtable, NULL and empty keys, non-ASCII keys,
 * and a small-range integer key. Values are multiples of 1/4 so every order of addition gives the
 * same sum; checked against Java.
 */
class SparseSumGroupingTest {
    private static final long T0 = 1_735_689_600_000_000L;
    private static final List<ColumnDef> COLS = List.of(new ColumnDef("ts", ColumnType.TIMESTAMP),
            new ColumnDef("country", ColumnType.VARCHAR), new ColumnDef("shard", ColumnType.BIGINT),
            new ColumnDef("revenue", ColumnType.DOUBLE));
    private static final String[] COUNTRIES = {"DE", "", "Österreich", "日本", "US", "FR"};

    @TempDir
    Path dir;

    private static String country(long r) {
        return r % 13 == 0 ? null : COUNTRIES[(int) (r * 7 % COUNTRIES.length)];
    }

    private static Long shard(long r) {
        return r % 29 == 0 ? null : r * 11 % 9 - 4;
    }

    private static Double revenue(long r) {
        boolean present = switch ((int) (r / 256 % 4)) {
            case 0 -> false;
            case 1 -> true;
            case 2 -> r % 16 == 3;
            default -> r % 2 == 0;
        };
        return present ? (r % 1000) * 0.25 - 60 : null;
    }

    private static void append(Table t, long from, long to) {
        RowBatch b = new RowBatch(COLS, (int) (to - from));
        for (long r = from; r < to; r++) {
            b.column(0).appendLong(T0 + r * 1_000_000L);
            if (country(r) == null) {
                b.column(1).appendNull();
            } else {
                b.column(1).appendString(country(r));
            }
            if (shard(r) == null) {
                b.column(2).appendNull();
            } else {
                b.column(2).appendLong(shard(r));
            }
            if (revenue(r) == null) {
                b.column(3).appendNull();
            } else {
                b.column(3).appendDouble(revenue(r));
            }
        }
        b.syncRowCount();
        t.append(null, b).join();
    }

    @Test
    void countAndSumPerKeyMatchJavaOverSparseBlocksAndMemtable() throws Exception {
        int flushed = 256 * 24;
        int total = flushed + 3_000;
        try (StorageEngine storage = StorageEngine.open(dir, StorageDifferentialTest.testConfig());
             QueryEngine engine = new QueryEngine(new StorageQueryCatalog(storage), QueryConfig.defaults().withParallelism(2))) {
            storage.createTable(new TableSchema("t", COLS, "ts", List.of(), PartitionBy.NONE, 1));
            Table t = storage.tableOrThrow("t");
            append(t, 0, flushed);
            t.flush();
            append(t, flushed, total);

            Map<String, double[]> byCountry = new TreeMap<>(Comparator.nullsFirst(Comparator.naturalOrder()));
            Map<Long, double[]> byShard = new TreeMap<>(Comparator.nullsFirst(Comparator.naturalOrder()));
            for (long r = 0; r < total; r++) {
                add(byCountry.computeIfAbsent(country(r), k -> new double[3]), revenue(r));
                add(byShard.computeIfAbsent(shard(r), k -> new double[3]), revenue(r));
            }
            assertEquals(expected(byCountry), Rows.query(engine,
                    "SELECT country, count(*), sum(revenue), avg(revenue) FROM t GROUP BY country ORDER BY country NULLS FIRST"));
            assertEquals(expected(byShard), Rows.query(engine,
                    "SELECT shard, count(*), sum(revenue), avg(revenue) FROM t GROUP BY shard ORDER BY shard NULLS FIRST"));
            // a filter leaves batches with selection vectors, and some keys with no revenue at all
            Map<String, double[]> filtered = new TreeMap<>(Comparator.nullsFirst(Comparator.naturalOrder()));
            for (long r = 0; r < total; r++) {
                if (r % 3 != 0) {
                    add(filtered.computeIfAbsent(country(r), k -> new double[3]), r % 5 == 0 ? revenue(r) : null);
                }
            }
            assertEquals(expected(filtered), Rows.query(engine,
                    "SELECT country, count(*), sum(CASE WHEN extract(epoch FROM ts)::bigint % 5 = 0 THEN revenue END), "
                            + "avg(CASE WHEN extract(epoch FROM ts)::bigint % 5 = 0 THEN revenue END) FROM t "
                            + "WHERE extract(epoch FROM ts)::bigint % 3 <> 0 GROUP BY country ORDER BY country NULLS FIRST"));
        }
    }

    private static void add(double[] g, Double v) {
        g[0]++;
        if (v != null) {
            g[1] += v;
            g[2]++;
        }
    }

    private static <K> List<List<Object>> expected(Map<K, double[]> groups) {
        List<List<Object>> rows = new ArrayList<>();
        groups.forEach((k, g) -> rows.add(Arrays.asList(k, (long) g[0], g[2] == 0 ? null : g[1], g[2] == 0 ? null : g[1] / g[2])));
        return rows;
    }
}
