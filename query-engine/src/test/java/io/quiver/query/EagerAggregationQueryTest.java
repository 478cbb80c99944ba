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

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * GROUP BY a dimension's column over a fact-dimension join, with the fact side aggregated by its
 * join key before the join. Answers are checked against nested loops over the same rows here:
 * duplicate and NULL keys on both sides, fact keys with no dimension row, NULL values, and both
 * join orders; and the plan must show the aggregation below the join only where it applies.
 */
class EagerAggregationQueryTest {
    private static final long T0 = 1_735_689_600_000_000L;
    private static final int FACT_ROWS = 6_000;
    private static final List<ColumnDef> FACT = List.of(new ColumnDef("ts", ColumnType.TIMESTAMP),
            new ColumnDef("k", ColumnType.BIGINT), new ColumnDef("x", ColumnType.BIGINT), new ColumnDef("y", ColumnType.DOUBLE));
    private static final List<ColumnDef> DIM = List.of(new ColumnDef("ts", ColumnType.TIMESTAMP),
            new ColumnDef("id", ColumnType.BIGINT), new ColumnDef("grp", ColumnType.VARCHAR));

    @TempDir
    Path dir;
    private StorageEngine storage;
    private QueryEngine engine;
    private final List<long[]> dimRows = new ArrayList<>(); // {id or Long.MIN_VALUE for NULL, row index}
    private final List<String> dimGroups = new ArrayList<>();

    /** k = r % 45 (NULL every 17th row): keys 0..44, of which the dimension has 0..29 only. */
    private static Long k(long r) {
        return r % 17 == 0 ? null : r % 45;
    }

    private static Long x(long r) {
        return r % 11 == 0 ? null : r * 3 - 5_000;
    }

    private static double y(long r) {
        return (r % 8) * 0.25; // exact in binary: sums do not depend on their order
    }

    @BeforeEach
    void load() throws Exception {
        storage = StorageEngine.open(dir, StorageDifferentialTest.testConfig());
        engine = new QueryEngine(new StorageQueryCatalog(storage), QueryConfig.defaults().withParallelism(2));
        storage.createTable(new TableSchema("f", FACT, "ts", List.of(), PartitionBy.NONE, 1));
        Table f = storage.tableOrThrow("f");
        RowBatch b = new RowBatch(FACT, FACT_ROWS);
        for (long r = 0; r < FACT_ROWS; r++) {
            b.column(0).appendLong(T0 + r);
            if (k(r) == null) {
                b.column(1).appendNull();
            } else {
                b.column(1).appendLong(k(r));
            }
            if (x(r) == null) {
                b.column(2).appendNull();
            } else {
                b.column(2).appendLong(x(r));
            }
            b.column(3).appendDouble(y(r));
        }
        b.syncRowCount();
        f.append(null, b).join();
        f.flush();

        // ids 0..29 in groups by id % 4 (group NULL for id 9); ids 3 and 7 twice more, in other
        // groups; one row with a NULL id.
        storage.createTable(new TableSchema("dim", DIM, "ts", List.of(), PartitionBy.NONE, 1));
        RowBatch d = new RowBatch(DIM, 40);
        for (int id = 0; id < 30; id++) {
            addDim(d, id, id == 9 ? null : "g" + id % 4);
        }
        addDim(d, 3, "g1");
        addDim(d, 7, "dup");
        addDim(d, null, "g2");
        d.syncRowCount();
        storage.tableOrThrow("dim").append(null, d).join();
        storage.tableOrThrow("dim").flush();
    }

    private void addDim(RowBatch d, Integer id, String grp) {
        d.column(0).appendLong(T0);
        if (id == null) {
            d.column(1).appendNull();
        } else {
            d.column(1).appendLong(id);
        }
        if (grp == null) {
            d.column(2).appendNull();
        } else {
            d.column(2).appendString(grp);
        }
        dimRows.add(new long[] {id == null ? Long.MIN_VALUE : id});
        dimGroups.add(grp);
    }

    @AfterEach
    void close() {
        engine.close();
        storage.close();
    }

    /**
     * Per group (NULL group first): count(*), count(x), sum(x), min(x), max(x), sum(y) over the
     * joined pairs; with {@code minX} other than Long.MIN_VALUE only pairs with x > minX.
     */
    private List<List<Object>> expected(long minX, boolean skipGroupG0) {
        Map<String, Object[]> acc = new TreeMap<>(java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder()));
        for (long r = 0; r < FACT_ROWS; r++) {
            if (minX != Long.MIN_VALUE && (x(r) == null || x(r) <= minX)) {
                continue; // x > minX: NULL x is not kept either
            }
            for (int i = 0; i < dimRows.size(); i++) {
                long id = dimRows.get(i)[0];
                String grp = dimGroups.get(i);
                if (k(r) == null || id == Long.MIN_VALUE || k(r) != id || skipGroupG0 && "g0".equals(grp)) {
                    continue;
                }
                Object[] a = acc.computeIfAbsent(grp, g -> new Object[] {0L, 0L, null, null, null, 0.0});
                a[0] = (Long) a[0] + 1;
                Long xv = x(r);
                if (xv != null) {
                    a[1] = (Long) a[1] + 1;
                    a[2] = a[2] == null ? xv : (Long) a[2] + xv;
                    a[3] = a[3] == null ? xv : Math.min((Long) a[3], xv);
                    a[4] = a[4] == null ? xv : Math.max((Long) a[4], xv);
                }
                a[5] = (Double) a[5] + y(r);
            }
        }
        List<List<Object>> out = new ArrayList<>();
        acc.forEach((g, a) -> {
            List<Object> row = new ArrayList<>();
            row.add(g);
            row.addAll(Arrays.asList(a));
            out.add(row);
        });
        return out;
    }

    private int aggregations(String sql) {
        StringBuilder s = new StringBuilder();
        Rows.query(engine, "EXPLAIN " + sql).forEach(l -> s.append(l.get(0)).append('\n'));
        return s.toString().split("HashAggregate", -1).length - 1;
    }

    @Test
    void factSideAggregatedBeforeTheJoinGivesTheJoinsAnswer() {
        String sql = "SELECT dim.grp, count(*), count(f.x), sum(f.x), min(f.x), max(f.x), sum(f.y) FROM f JOIN dim ON f.k = dim.id "
                + "GROUP BY dim.grp ORDER BY 1 NULLS FIRST";
        assertEquals(expected(Long.MIN_VALUE, false), Rows.query(engine, sql));
        assertEquals(2, aggregations(sql), "aggregated below the join");

        String flipped = "SELECT dim.grp, count(*), count(f.x), sum(f.x), min(f.x), max(f.x), sum(f.y) FROM dim JOIN f ON dim.id = f.k "
                + "GROUP BY dim.grp ORDER BY 1 NULLS FIRST";
        assertEquals(expected(Long.MIN_VALUE, false), Rows.query(engine, flipped), "the fact table on the right");
        assertEquals(2, aggregations(flipped));

        String filtered = "SELECT dim.grp AS g, count(*), count(f.x), sum(f.x), min(f.x), max(f.x), sum(f.y) FROM f JOIN dim ON f.k = dim.id "
                + "WHERE f.x > 1000 AND dim.grp <> 'g0' GROUP BY g ORDER BY g NULLS FIRST";
        List<List<Object>> want = expected(1000, true).stream().filter(row -> row.get(0) != null).toList(); // NULL <> 'g0' is not true
        assertEquals(want, Rows.query(engine, filtered), "filters on both sides");
        assertEquals(2, aggregations(filtered));
    }

    @Test
    void aGlobalAggregateOverTheJoin() {
        List<List<Object>> groups = expected(Long.MIN_VALUE, false);
        long count = groups.stream().mapToLong(r -> (Long) r.get(1)).sum();
        long sum = groups.stream().mapToLong(r -> r.get(3) == null ? 0 : (Long) r.get(3)).sum();
        String sql = "SELECT count(*), sum(f.x) FROM f JOIN dim ON f.k = dim.id";
        assertEquals(List.of(List.of(count, sum)), Rows.query(engine, sql));
        assertEquals(2, aggregations(sql));
    }

    @Test
    void aggregatesThatDoNotDecomposeKeepTheJoinFirst() {
        String avg = "SELECT dim.grp, avg(f.x) FROM f JOIN dim ON f.k = dim.id GROUP BY dim.grp ORDER BY 1 NULLS FIRST";
        List<List<Object>> rows = Rows.query(engine, avg);
        List<List<Object>> want = expected(Long.MIN_VALUE, false);
        for (int i = 0; i < want.size(); i++) {
            assertEquals((double) (Long) want.get(i).get(3) / (Long) want.get(i).get(2), (Double) rows.get(i).get(1), 1e-9);
        }
        assertEquals(1, aggregations(avg));
        assertEquals(1, aggregations("SELECT dim.grp, count(DISTINCT f.x) FROM f JOIN dim ON f.k = dim.id GROUP BY dim.grp"));
        assertEquals(1, aggregations("SELECT f.k, count(*) FROM f JOIN dim ON f.k = dim.id GROUP BY f.k"), "grouped by the fact side");
        assertEquals(1, aggregations("SELECT dim.grp, count(*) FROM f LEFT JOIN dim ON f.k = dim.id GROUP BY dim.grp"), "not an inner join");
    }
}
