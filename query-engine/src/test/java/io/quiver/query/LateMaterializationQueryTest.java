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
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scans that decode filter columns first, keep dictionary blocks as codes, and write strings only
 * for rows that passed; joins to a small dimension through a direct-indexed table with its string
 * columns gathered as dictionary codes. Answers are checked against values computed here.
 */
class LateMaterializationQueryTest {
    private static final long T0 = 1_735_689_600_000_000L; // 2025-01-01 00:00:00 UTC
    private static final int ROWS = 20_000;
    private static final List<ColumnDef> EVENTS = List.of(new ColumnDef("ts", ColumnType.TIMESTAMP),
            new ColumnDef("k", ColumnType.VARCHAR), new ColumnDef("v", ColumnType.BIGINT), new ColumnDef("u", ColumnType.VARCHAR));
    private static final List<ColumnDef> DIM = List.of(new ColumnDef("ts", ColumnType.TIMESTAMP),
            new ColumnDef("id", ColumnType.INT), new ColumnDef("name", ColumnType.VARCHAR), new ColumnDef("region", ColumnType.VARCHAR));

    @TempDir
    Path dir;
    private StorageEngine storage;
    private QueryEngine engine;

    /** k = "k" + (r % 7) (null every 13th row), v = r (null every 50th), u unique per row. */
    private static String k(long r) {
        return r % 13 == 0 ? null : "k" + (r % 7);
    }

    private static Long v(long r) {
        return r % 50 == 0 ? null : r;
    }

    /** Dimension rows 1..20: name null for id 5, region by id % 3. */
    private static String name(int id) {
        return id == 5 ? null : "tenant-" + id;
    }

    private static String region(int id) {
        return switch (id % 3) {
            case 0 -> "EU";
            case 1 -> "US";
            default -> "APAC";
        };
    }

    @BeforeEach
    void load() throws Exception {
        storage = StorageEngine.open(dir, StorageDifferentialTest.testConfig());
        engine = new QueryEngine(new StorageQueryCatalog(storage), QueryConfig.defaults().withParallelism(2));
        storage.createTable(new TableSchema("e", EVENTS, "ts", List.of(), PartitionBy.NONE, 1));
        Table e = storage.tableOrThrow("e");
        RowBatch b = new RowBatch(EVENTS, ROWS);
        for (long r = 0; r < ROWS; r++) {
            b.column(0).appendLong(T0 + r * 1_000_000L);
            if (k(r) == null) {
                b.column(1).appendNull();
            } else {
                b.column(1).appendString(k(r));
            }
            if (v(r) == null) {
                b.column(2).appendNull();
            } else {
                b.column(2).appendLong(r);
            }
            b.column(3).appendString("u" + r * 7919 % 100_003);
        }
        b.syncRowCount();
        e.append(null, b).join();
        e.flush();
        storage.createTable(new TableSchema("d", DIM, "ts", List.of(), PartitionBy.NONE, 1));
        Table d = storage.tableOrThrow("d");
        RowBatch dim = new RowBatch(DIM, 20);
        for (int id = 1; id <= 20; id++) {
            dim.column(0).appendLong(T0);
            dim.column(1).appendLong(id);
            if (name(id) == null) {
                dim.column(2).appendNull();
            } else {
                dim.column(2).appendString(name(id));
            }
            dim.column(3).appendString(region(id));
        }
        dim.syncRowCount();
        d.append(null, dim).join();
        d.flush();
    }

    @AfterEach
    void close() {
        engine.close();
        storage.close();
    }

    private static long figure(String plan, String name) {
        Matcher m = Pattern.compile(name + "=(\\d+)").matcher(plan);
        assertTrue(m.find(), name + " missing in plan:\n" + plan);
        return Long.parseLong(m.group(1));
    }

    private String explain(String sql) {
        StringBuilder s = new StringBuilder();
        Rows.query(engine, "EXPLAIN ANALYZE " + sql).forEach(l -> s.append(l.get(0)).append('\n'));
        return s.toString();
    }

    @Test
    void filterOnlyStringColumnIsComparedOnCodes() {
        long expected = 0;
        long like = 0;
        for (long r = 0; r < ROWS; r++) {
            expected += "k3".equals(k(r)) ? 1 : 0;
            like += k(r) != null && !k(r).equals("k1") && !k(r).equals("k6") ? 1 : 0;
        }
        assertEquals(List.of(List.of(expected)), Rows.query(engine, "SELECT count(*) FROM e WHERE k = 'k3'"));
        assertEquals(List.of(List.of(like)), Rows.query(engine, "SELECT count(*) FROM e WHERE k LIKE 'k%' AND k NOT IN ('k1', 'k6')"));
        assertEquals(List.of(List.of(expected)), Rows.query(engine, "SELECT count(*) FROM e WHERE upper(k) = 'K3'"), "a non-dictionary use reads the strings");
        String none = "SELECT sum(v), min(u) FROM e WHERE k = 'k35'"; // inside every block's min..max, so zone maps keep the blocks
        assertEquals(List.of(Arrays.asList(null, null)), Rows.query(engine, none));
        String plan = explain(none);
        assertEquals(0, figure(plan, "blocksPassingFilter"), "no block had a row, so no other column was decoded:\n" + plan);
        assertTrue(figure(plan, "blocksRead") > 10, plan);
    }

    @Test
    void stringsAreWrittenForTheRowsThatPassed() {
        // the filter column is also grouped on: its strings must be right for every passing row
        Map<String, Long> counts = new TreeMap<>();
        for (long r = 0; r < ROWS; r++) {
            if (k(r) != null && k(r).compareTo("k4") < 0 && v(r) != null && r % 3 == 0) {
                counts.merge(k(r), 1L, Long::sum);
            }
        }
        List<List<Object>> expected = new ArrayList<>();
        counts.forEach((key, c) -> expected.add(List.of(key, c)));
        assertEquals(expected, Rows.query(engine, "SELECT k, count(*) FROM e WHERE k < 'k4' AND v % 3 = 0 GROUP BY k ORDER BY k"));
        // a sparse filter on a number, strings of two other columns for the few rows that pass
        List<List<Object>> sparse = new ArrayList<>();
        for (long r = 0; r < ROWS; r++) {
            if (v(r) != null && r % 997 == 5) {
                sparse.add(Arrays.asList(r, k(r), "u" + r * 7919 % 100_003));
            }
        }
        assertEquals(sparse, Rows.query(engine, "SELECT v, k, u FROM e WHERE v % 997 = 5 ORDER BY v"));
    }

    @Test
    void distinctStringsAndGlobalAggregatesReadCodes() {
        java.util.Set<String> all = new java.util.HashSet<>();
        java.util.Set<String> late = new java.util.HashSet<>();
        List<java.util.Set<String>> byResidue = List.of(new java.util.HashSet<>(), new java.util.HashSet<>(), new java.util.HashSet<>());
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        long sum = 0;
        long count = 0;
        for (long r = 0; r < ROWS; r++) {
            if (k(r) != null) {
                all.add(k(r));
                if (r >= 19_990 && v(r) != null) {
                    late.add(k(r)); // ten rows: not every key
                }
                if (v(r) != null && r % 3 != 2) {
                    byResidue.get((int) (r % 3)).add(k(r));
                }
            }
            if (v(r) != null) {
                min = Math.min(min, r);
                max = Math.max(max, r);
                sum += r;
                count++;
            }
        }
        assertTrue(late.size() < all.size(), "the filtered set must differ: " + late);
        assertEquals(List.of(List.of((long) all.size(), (long) late.size())), Rows.query(engine,
                "SELECT count(DISTINCT k), count(DISTINCT k) FILTER (WHERE v >= 19990) FROM e"));
        List<List<Object>> grouped = new ArrayList<>();
        for (int m = 0; m < 2; m++) {
            grouped.add(List.of((long) m, (long) byResidue.get(m).size()));
        }
        assertEquals(grouped, Rows.query(engine,
                "SELECT v % 3, count(DISTINCT k) FROM e WHERE v % 3 < 2 GROUP BY 1 ORDER BY 1"), "one set per group");
        assertEquals(List.of(List.of(min, max, (double) sum / count, count)), Rows.query(engine, "SELECT min(v), max(v), avg(v), count(v) FROM e"));
    }

    @Test
    void joinToASmallDimensionIndexesByKeyAndGathersStringsAsCodes() {
        Map<String, Long> byRegion = new TreeMap<>();
        Map<String, Long> byName = new TreeMap<>();
        long nullNames = 0;
        for (long r = 0; r < ROWS; r++) {
            if (v(r) == null) {
                continue;
            }
            int id = (int) (r % 25); // 0 and 21..24 have no dimension row
            if (id < 1 || id > 20) {
                continue;
            }
            byRegion.merge(region(id), r, Long::sum);
            if (name(id) == null) {
                nullNames++;
            } else if (region(id).equals("EU")) {
                byName.merge(name(id), 1L, Long::sum);
            }
        }
        List<List<Object>> regions = new ArrayList<>();
        byRegion.forEach((reg, s) -> regions.add(List.of(reg, s)));
        assertEquals(regions, Rows.query(engine, "SELECT d.region, sum(e.v) FROM e JOIN d ON e.v % 25 = d.id GROUP BY d.region ORDER BY 1"));
        List<List<Object>> names = new ArrayList<>();
        byName.forEach((n, c) -> names.add(List.of(n, c)));
        assertEquals(names, Rows.query(engine,
                "SELECT d.name, count(*) FROM e JOIN d ON e.v % 25 = d.id WHERE d.region = 'EU' GROUP BY 1 ORDER BY 1"));
        assertEquals(List.of(List.of(nullNames)), Rows.query(engine,
                "SELECT count(*) FROM e JOIN d ON e.v % 25 = d.id WHERE d.name IS NULL"), "a NULL build string stays NULL");
        assertEquals(List.of(List.of(7L)), Rows.query(engine,
                "SELECT count(*) FROM e JOIN d ON e.v = d.id WHERE d.region LIKE 'U%'"), "ids 1, 4, 7, ..., 19 are US");
    }
}
