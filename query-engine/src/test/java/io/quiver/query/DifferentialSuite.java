package io.quiver.query;

import io.quiver.query.catalog.QueryCatalog;
import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.PartitionBy;
import io.quiver.storage.TableSchema;
import io.quiver.storage.vector.RowBatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs seeded random queries over seeded random tables on Quiver and on DuckDB (in memory) and
 * compares the answers: as multisets unless ORDER BY fixes the whole order, doubles within a
 * relative tolerance. The generator emits only SQL both engines define the same way (see README:
 * integer division is rendered as DuckDB's {@code //}; NULL ordering is always explicit).
 * Subclasses say where Quiver keeps the tables (in-memory test catalog, real storage engine); the
 * data and the queries are the same. {@code -Dquiver.difftest.queries=N} runs more per catalog;
 * {@code -Dquiver.difftest.seed=S} replays.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DifferentialSuite {
    static final long SEED = Long.getLong("quiver.difftest.seed", 20261123L);
    static final int CHUNK_ROWS = 700;
    private static final String[] TABLES = {"big", "skew", "one", "empty"};
    private static final String[] WORDS = {"apple", "Apple", "banana", "cherry", "été", "Ünïcode", "a%b", "", "zeta", "b_c", "日本"};

    private QueryEngine engine;
    private Connection duck;

    /** The catalog Quiver reads from; called once before loading. */
    abstract QueryCatalog openCatalog() throws Exception;

    /** Puts one chunk of seeded rows (at most {@link #CHUNK_ROWS}) into Quiver's copy of the table. */
    abstract void append(QueryCatalog catalog, String table, RowBatch chunk, int chunkIndex) throws Exception;

    /** How many generated queries this catalog runs by default. */
    abstract int queries();

    /** Releases what {@link #openCatalog()} opened. */
    void closeCatalog() throws Exception {
    }

    /** Partitioning of each test table (storage-backed runs vary it to get many or few segments). */
    PartitionBy partitionOf(String table) {
        return PartitionBy.DAY;
    }

    @BeforeAll
    void load() throws Exception {
        long start = System.nanoTime();
        QueryCatalog catalog = openCatalog();
        engine = new QueryEngine(catalog, QueryConfig.defaults().withParallelism(2));
        duck = DriverManager.getConnection("jdbc:duckdb:");
        Random r = new Random(SEED);
        loadTable(catalog, "big", 3000, r, false);
        loadTable(catalog, "skew", 1500, r, true);
        loadTable(catalog, "one", 1, r, false);
        loadTable(catalog, "empty", 0, r, false);
        applyDeletes();
        System.out.printf("differential (%s): tables loaded in %.1f s%n", getClass().getSimpleName(), (System.nanoTime() - start) / 1e9);
    }

    @AfterAll
    void close() throws Exception {
        engine.close();
        duck.close();
        closeCatalog();
    }

    QueryEngine engine() {
        return engine;
    }

    static final List<ColumnDef> COLUMNS = List.of(new ColumnDef("ts", ColumnType.TIMESTAMP), new ColumnDef("i", ColumnType.INT),
            new ColumnDef("b", ColumnType.BIGINT), new ColumnDef("d", ColumnType.DOUBLE), new ColumnDef("s", ColumnType.VARCHAR),
            new ColumnDef("f", ColumnType.BOOLEAN), new ColumnDef("dt", ColumnType.DATE));

    private void loadTable(QueryCatalog catalog, String name, int rows, Random r, boolean skewed) throws Exception {
        catalog.createTable(new TableSchema(name, COLUMNS, "ts", List.of(), partitionOf(name), 1), false);
        try (Statement st = duck.createStatement()) {
            st.execute("CREATE TABLE " + name + " (ts TIMESTAMP, i INTEGER, b BIGINT, d DOUBLE, s VARCHAR, f BOOLEAN, dt DATE)");
        }
        RowBatch chunk = new RowBatch(COLUMNS, CHUNK_ROWS);
        int chunks = 0;
        try (PreparedStatement ps = duck.prepareStatement("INSERT INTO " + name + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            for (int row = 0; row < rows; row++) {
                long ts = 1_700_000_000_000_000L + (long) r.nextInt(400 * 86400) * 1_000_000L;
                Integer i = r.nextInt(10) == 0 ? null : skewed ? (r.nextInt(10) < 8 ? 7 : r.nextInt(1000) - 500) : r.nextInt(2000) - 1000;
                Long b = r.nextInt(12) == 0 ? null : (long) (r.nextGaussian() * 1e9);
                Double d = r.nextInt(10) == 0 ? null : r.nextInt(50) == 0 ? Double.NaN : Math.round(r.nextGaussian() * 1e4) / 100.0;
                String s = r.nextInt(10) == 0 ? null : skewed ? WORDS[r.nextInt(3)] : WORDS[r.nextInt(WORDS.length)];
                Boolean f = r.nextInt(8) == 0 ? null : r.nextBoolean();
                Integer dt = r.nextInt(10) == 0 ? null : 19000 + r.nextInt(800);
                chunk.column(0).appendLong(ts);
                appendLong(chunk, 1, i == null ? null : (long) i);
                appendLong(chunk, 2, b);
                if (d == null) {
                    chunk.column(3).appendNull();
                } else {
                    chunk.column(3).appendDouble(d);
                }
                if (s == null) {
                    chunk.column(4).appendNull();
                } else {
                    chunk.column(4).appendString(s);
                }
                appendLong(chunk, 5, f == null ? null : f ? 1L : 0L);
                appendLong(chunk, 6, dt == null ? null : (long) dt);
                ps.setTimestamp(1, new java.sql.Timestamp(ts / 1000));
                setOrNull(ps, 2, i, Types.INTEGER);
                setOrNull(ps, 3, b, Types.BIGINT);
                setOrNull(ps, 4, d, Types.DOUBLE);
                setOrNull(ps, 5, s, Types.VARCHAR);
                setOrNull(ps, 6, f, Types.BOOLEAN);
                setOrNull(ps, 7, dt == null ? null : java.sql.Date.valueOf(java.time.LocalDate.ofEpochDay(dt)), Types.DATE);
                ps.addBatch();
                chunk.syncRowCount();
                if (chunk.rowCount() == CHUNK_ROWS) {
                    append(catalog, name, chunk, chunks++);
                    chunk = new RowBatch(COLUMNS, CHUNK_ROWS);
                }
            }
            if (rows > 0) {
                ps.executeBatch();
            }
        }
        chunk.syncRowCount();
        if (chunk.rowCount() > 0) {
            append(catalog, name, chunk, chunks);
        }
    }

    /**
     * The same DELETEs on both engines, before any query: seeded random WHERE clauses (thinned to a
     * quarter of their matches so a table keeps most of its rows), a condition that is NULL or FALSE on every row, an INSERT
     * SELECT between deletes (on storage it lands in the memtable, which the next DELETE flushes),
     * DELETEs with IN and scalar subqueries, and a DELETE on the empty table. Each must report the same row count as DuckDB.
     */
    private void applyDeletes() throws SQLException {
        Random r = new Random(SEED ^ 0x5DE1E7EL);
        Gen gen = new Gen(r);
        List<String[]> deletes = new ArrayList<>();
        for (int n = 0; n < 12; n++) {
            String table = n % 2 == 0 ? "big" : "skew";
            String[] p = gen.predicate("", 1);
            String thin = (r.nextBoolean() ? " AND b % 4 = 0" : " AND i % 4 = 1")
                    + (r.nextBoolean() ? "" : " AND ts < TIMESTAMP '" + java.time.LocalDate.ofEpochDay(19675 + r.nextInt(400)) + " 00:00:00'");
            deletes.add(new String[]{"DELETE FROM " + table + " WHERE " + p[0] + thin, "DELETE FROM " + table + " WHERE " + p[1] + thin});
            if (n == 2) {
                deletes.add(new String[]{"INSERT INTO big SELECT * FROM big WHERE i % 6 = 1", "INSERT INTO big SELECT * FROM big WHERE i % 6 = 1"});
            }
        }
        deletes.add(new String[]{"DELETE FROM skew WHERE d <> d OR i > NULL", "DELETE FROM skew WHERE d <> d OR i > NULL"});
        deletes.add(new String[]{"DELETE FROM big WHERE s = 'apple' AND i % 3 = 0", "DELETE FROM big WHERE s = 'apple' AND i % 3 = 0"});
        deletes.add(new String[]{"DELETE FROM skew WHERE i IN (SELECT i FROM big WHERE b % 9 = 4) AND s <> 'apple'",
                "DELETE FROM skew WHERE i IN (SELECT i FROM big WHERE b % 9 = 4) AND s <> 'apple'"});
        deletes.add(new String[]{"DELETE FROM big WHERE i > (SELECT max(i) FROM skew) + 400", "DELETE FROM big WHERE i > (SELECT max(i) FROM skew) + 400"});
        deletes.add(new String[]{"DELETE FROM empty", "DELETE FROM empty"});
        List<Long> counts = new ArrayList<>();
        for (String[] d : deletes) {
            long expected;
            try (Statement st = duck.createStatement()) {
                expected = st.executeUpdate(d[1]);
            }
            long actual;
            try (QueryResult res = engine.execute(d[0])) {
                actual = res.updateCount();
            }
            assertTrue(expected == actual, "seed=" + SEED + " rows affected differ\nquiver: " + d[0] + " -> " + actual
                    + "\nduckdb: " + d[1] + " -> " + expected);
            counts.add(actual);
        }
        System.out.printf("differential (%s): rows affected by the DML before the queries: %s%n", getClass().getSimpleName(), counts);
    }

    private static void appendLong(RowBatch b, int c, Long v) {
        if (v == null) {
            b.column(c).appendNull();
        } else {
            b.column(c).appendLong(v);
        }
    }

    private static void setOrNull(PreparedStatement ps, int i, Object v, int type) throws SQLException {
        if (v == null) {
            ps.setNull(i, type);
        } else {
            ps.setObject(i, v);
        }
    }

    // ------------------------------------------------------------------ generator

    /** One query in both dialects, and whether its ORDER BY fixes the row order. */
    private record Query(String quiver, String duck, boolean ordered) {}

    private static final class Gen {
        final Random r;
        final StringBuilder q = new StringBuilder();
        final StringBuilder d = new StringBuilder();

        Gen(Random r) {
            this.r = r;
        }

        String pick(String... options) {
            return options[r.nextInt(options.length)];
        }

        /** An integer expression: (quiver, duck). */
        String[] intExpr(String p) {
            return switch (r.nextInt(9)) {
                case 0 -> both(p + "i + " + (r.nextInt(100) - 50));
                case 1 -> both(p + "b - " + p + "i");
                case 2 -> both(p + "i * " + (r.nextInt(7) - 3));
                case 3 -> {
                    int k = r.nextInt(9) + 1;
                    yield new String[]{p + "b / " + k, p + "b // " + k};
                }
                case 4 -> both(p + "i % " + (r.nextInt(9) + 1));
                case 5 -> both("abs(" + p + "i)");
                case 6 -> both("coalesce(" + p + "i, " + r.nextInt(10) + ")");
                case 7 -> both("CASE WHEN " + p + "i > 0 THEN " + p + "i ELSE -1 END");
                default -> both("length(" + p + "s)");
            };
        }

        String[] both(String s) {
            return new String[]{s, s};
        }

        String[] predicate(String p, int depth) {
            if (depth > 0 && r.nextInt(3) == 0) {
                String[] a = predicate(p, depth - 1);
                String[] b = predicate(p, depth - 1);
                String op = pick(" AND ", " OR ");
                return new String[]{"(" + a[0] + op + b[0] + ")", "(" + a[1] + op + b[1] + ")"};
            }
            if (depth > 0 && r.nextInt(6) == 0) {
                String[] a = predicate(p, depth - 1);
                return new String[]{"NOT " + a[0], "NOT " + a[1]};
            }
            String cmp = pick("=", "<>", "<", "<=", ">", ">=");
            return switch (r.nextInt(13)) {
                case 0 -> both(p + "i " + cmp + " " + (r.nextInt(2000) - 1000));
                case 1 -> both(p + "b " + cmp + " " + (long) (r.nextGaussian() * 1e9));
                case 2 -> both(p + "d " + cmp + " " + (r.nextInt(400) - 200) / 2.0);
                case 3 -> both(p + "s " + cmp + " '" + WORDS[r.nextInt(WORDS.length)] + "'");
                case 4 -> both(p + pick("i", "b", "d", "s", "f") + pick(" IS NULL", " IS NOT NULL"));
                case 5 -> both(p + "i IN (" + (r.nextInt(20) - 10) + ", 7, " + (r.nextInt(2000) - 1000) + (r.nextBoolean() ? ", NULL" : "") + ")");
                case 6 -> both(p + "i " + pick("", "NOT ") + "BETWEEN " + (r.nextInt(1000) - 500) + " AND " + (r.nextInt(1000)));
                case 7 -> both(p + "s " + pick("LIKE", "NOT LIKE") + " '" + pick("a%", "%e%", "b_c", "%a", "Ü%", "%") + "'");
                case 8 -> both(p + "f");
                case 9 -> both(p + "dt " + cmp + " DATE '" + java.time.LocalDate.ofEpochDay(19000 + r.nextInt(800)) + "'");
                case 10 -> both(p + "ts " + cmp + " TIMESTAMP '" + java.time.LocalDate.ofEpochDay(19675 + r.nextInt(400)) + " 12:00:00'"
                        + (r.nextBoolean() ? "" : " " + pick("+", "-") + " interval '" + r.nextInt(100) + " " + pick("days", "hours", "minutes 30 seconds", "weeks") + "'"));
                case 11 -> both("lower(" + p + "s) = '" + pick("apple", "été", "ünïcode") + "'");
                default -> {
                    String[] e = intExpr(p);
                    int k = r.nextInt(200) - 100;
                    yield new String[]{e[0] + " " + cmp + " " + k, e[1] + " " + cmp + " " + k};
                }
            };
        }

        String[] aggregate(String p) {
            return switch (r.nextInt(13)) {
                case 0 -> both("count(*)");
                case 1 -> both("count(" + p + pick("i", "s", "d", "f") + ")");
                case 2 -> both("sum(" + p + pick("i", "b") + ")");
                case 3 -> both("min(" + p + pick("i", "b", "d", "s", "dt") + ")");
                case 4 -> both("max(" + p + pick("i", "b", "d", "s", "dt") + ")");
                case 5 -> both("avg(" + p + pick("i", "b") + ")");
                case 6 -> both("count(DISTINCT " + p + pick("i", "s") + ")");
                case 7 -> both("sum(" + p + "i) FILTER (WHERE " + p + "i > 0)");
                case 8 -> both("stddev_samp(" + p + "i)");
                case 9 -> both("var_pop(" + p + "b)");
                case 10 -> both("quantile_cont(" + p + "i, 0." + (1 + r.nextInt(9)) + ")");
                case 11 -> both("bool_or(" + p + "f)");
                default -> {
                    String[] e = intExpr(p);
                    yield new String[]{"sum(" + e[0] + ")", "sum(" + e[1] + ")"};
                }
            };
        }

        Query next() {
            String t = TABLES[r.nextInt(TABLES.length)];
            String[] where = r.nextInt(3) == 0 ? null : predicate("", 2);
            String w0 = where == null ? "" : " WHERE " + where[0];
            String w1 = where == null ? "" : " WHERE " + where[1];
            switch (r.nextInt(11)) {
                case 0, 1: { // global aggregation
                    List<String[]> aggs = new ArrayList<>();
                    for (int k = 0; k < 1 + r.nextInt(3); k++) {
                        aggs.add(aggregate(""));
                    }
                    return new Query("SELECT " + join(aggs, 0) + " FROM " + t + w0, "SELECT " + join(aggs, 1) + " FROM " + t + w1, false);
                }
                case 2, 3: { // grouped
                    String g = pick("s", "i % 5", "f", "extract(month FROM ts)", "length(s)", "dt");
                    List<String[]> aggs = new ArrayList<>();
                    for (int k = 0; k < 1 + r.nextInt(3); k++) {
                        aggs.add(aggregate(""));
                    }
                    String having = r.nextInt(3) == 0 ? " HAVING count(*) > " + r.nextInt(5) : "";
                    String order = r.nextBoolean() ? " ORDER BY 1 " + pick("ASC", "DESC") + pick(" NULLS FIRST", " NULLS LAST") : "";
                    boolean ordered = !order.isEmpty();
                    return new Query("SELECT " + g + ", " + join(aggs, 0) + " FROM " + t + w0 + " GROUP BY 1" + having + order,
                            "SELECT " + g + ", " + join(aggs, 1) + " FROM " + t + w1 + " GROUP BY 1" + having + order, ordered);
                }
                case 4: { // projection, filter, order, limit
                    String[] e = intExpr("");
                    String cols = "s, i, d, ";
                    // A first key on a number or timestamp lets the top-N prune the scan dynamically.
                    String order = " ORDER BY " + pick("1 ", "ts ", "i ", "dt ", "b ") + pick("ASC", "DESC") + " NULLS " + pick("FIRST", "LAST")
                            + ", ts, 1 NULLS FIRST, 2 NULLS FIRST, 3 NULLS LAST, 4 NULLS FIRST, 5 NULLS LAST";
                    String lim = r.nextBoolean() ? " LIMIT " + r.nextInt(50) + (r.nextBoolean() ? " OFFSET " + r.nextInt(20) : "") : "";
                    String extra = "upper(s) || '-' || coalesce(CAST(i AS VARCHAR), 'null')";
                    return new Query("SELECT " + cols + e[0] + ", " + extra + " FROM " + t + w0 + order + lim,
                            "SELECT " + cols + e[1] + ", " + extra + " FROM " + t + w1 + order + lim, true);
                }
                case 5: { // distinct
                    String c = pick("s", "i % 7", "f", "substring(s, 1, 2)");
                    return new Query("SELECT DISTINCT " + c + " FROM " + t + w0, "SELECT DISTINCT " + c + " FROM " + t + w1, false);
                }
                case 6: { // inner / left join
                    String u = TABLES[r.nextInt(TABLES.length)];
                    String jt = pick("JOIN", "LEFT JOIN");
                    String key = pick("x.s = y.s", "x.i = y.i", "x.f = y.f AND x.s = y.s");
                    String[] pw = r.nextBoolean() ? null : predicate("x.", 1);
                    String sel = "count(*), count(y.i), sum(x.i), min(y.s)";
                    return new Query("SELECT " + sel + " FROM " + t + " x " + jt + " " + u + " y ON " + key + (pw == null ? "" : " WHERE " + pw[0]),
                            "SELECT " + sel + " FROM " + t + " x " + jt + " " + u + " y ON " + key + (pw == null ? "" : " WHERE " + pw[1]), false);
                }
                case 7: { // IN / NOT IN subquery, scalar subquery
                    String u = TABLES[r.nextInt(TABLES.length)];
                    String not = r.nextBoolean() ? "NOT " : "";
                    if (r.nextBoolean()) {
                        return new Query("SELECT count(*), sum(b) FROM " + t + " WHERE i " + not + "IN (SELECT i FROM " + u + " WHERE i < 0)",
                                "SELECT count(*), sum(b) FROM " + t + " WHERE i " + not + "IN (SELECT i FROM " + u + " WHERE i < 0)", false);
                    }
                    return new Query("SELECT count(*) FROM " + t + " WHERE i > (SELECT avg(i) FROM " + u + ")",
                            "SELECT count(*) FROM " + t + " WHERE i > (SELECT avg(i) FROM " + u + ")", false);
                }
                case 9, 10: { // window functions
                    return window(t, w0, w1);
                }
                default: { // union all + CTE
                    String u = TABLES[r.nextInt(TABLES.length)];
                    String sql = "WITH c AS (SELECT s, i FROM " + t + " UNION ALL SELECT s, i FROM " + u + ") SELECT s, count(*), sum(i) FROM c GROUP BY s";
                    return new Query(sql, sql, false);
                }
            }
        }

        /**
         * A window function query. Functions whose value depends on the order within ties
         * (row_number, lag/lead, ntile, first/last_value, ROWS frames) order by (ts, b, i), unique in
         * the data; rank, dense_rank, percent_rank, cume_dist and the default RANGE frame order by
         * keys with ties, which they define exactly.
         */
        Query window(String t, String w0, String w1) {
            String part = pick("", "PARTITION BY s ", "PARTITION BY f ", "PARTITION BY i % 3 ", "PARTITION BY s, f ");
            String unique = "ORDER BY ts " + pick("ASC", "DESC") + ", b NULLS FIRST, i NULLS FIRST";
            String ties = "ORDER BY " + pick("i", "s", "dt", "f") + " " + pick("ASC", "DESC") + " NULLS " + pick("FIRST", "LAST");
            String agg = pick("sum(i)", "avg(b)", "count(*)", "count(d)", "min(s)", "max(i)", "sum(d)", "min(dt)", "avg(i)");
            int kind = r.nextInt(8);
            if (kind == 7) { // windows over a grouped query
                String sql = "SELECT s, sum(i), count(*), " + pick("rank()", "dense_rank()", "row_number()") + " OVER (ORDER BY sum(i) "
                        + pick("ASC", "DESC") + " NULLS FIRST, s NULLS FIRST), sum(count(*)) OVER (ORDER BY s NULLS LAST) FROM " + t;
                return new Query(sql + w0 + " GROUP BY s", sql + w1 + " GROUP BY s", false);
            }
            String fn = switch (kind) {
                case 0 -> "row_number() OVER (" + part + unique + ")";
                case 1 -> pick("rank()", "dense_rank()", "percent_rank()", "cume_dist()") + " OVER (" + part + ties + ")";
                case 2 -> pick("lag", "lead") + "(" + pick("i", "s", "d") + (r.nextBoolean() ? ", " + (1 + r.nextInt(3)) : "") + ") OVER (" + part + unique + ")";
                case 3 -> agg + " OVER (" + part + ties + ")";
                case 4 -> r.nextBoolean() ? agg + " OVER (" + part + ")"
                        : r.nextBoolean() ? "ntile(" + (1 + r.nextInt(5)) + ") OVER (" + part + unique + ")"
                        : pick("first_value", "last_value") + "(" + pick("i", "s", "d") + ") OVER (" + part + unique
                        + pick("", " ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING", " ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING") + ")";
                case 5 -> agg + " OVER (" + part + unique + " ROWS BETWEEN " + pick("UNBOUNDED PRECEDING", "2 PRECEDING", "CURRENT ROW")
                        + " AND " + pick("CURRENT ROW", "1 FOLLOWING", "UNBOUNDED FOLLOWING") + ")";
                default -> agg + " OVER (" + part + unique + ")";
            };
            String sel = "SELECT s, i, d, " + fn + " FROM " + t;
            return new Query(sel + w0, sel + w1, false);
        }

        private static String join(List<String[]> parts, int which) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < parts.size(); i++) {
                b.append(i == 0 ? "" : ", ").append(parts.get(i)[which]);
            }
            return b.toString();
        }
    }

    // ------------------------------------------------------------------ comparison

    @Test
    void quiverAgreesWithDuckDb() throws SQLException {
        Random r = new Random(SEED);
        Gen gen = new Gen(r);
        int total = Integer.getInteger("quiver.difftest.queries", queries());
        int compared = 0;
        int bothFailed = 0;
        int informative = 0;
        long start = System.nanoTime();
        for (int n = 0; n < total; n++) {
            Query query = gen.next();
            List<List<Object>> expected;
            String duckError = null;
            try {
                expected = duckRows(query.duck());
            } catch (SQLException e) {
                expected = null;
                duckError = e.getMessage();
            }
            List<List<Object>> actual;
            String quiverError = null;
            try {
                actual = quiverRows(query.quiver());
            } catch (QueryException e) {
                actual = null;
                quiverError = e.code() + ": " + e.getMessage();
            }
            if (expected == null || actual == null) {
                if (expected == null && actual == null) {
                    bothFailed++;
                    continue;
                }
                fail("seed=" + SEED + " query#" + n + "\nquiver: " + query.quiver() + "\nduckdb: " + query.duck()
                        + "\nquiver error: " + quiverError + "\nduckdb error: " + duckError
                        + "\nquiver rows: " + abbreviate(actual) + "\nduckdb rows: " + abbreviate(expected));
            }
            if (!query.ordered()) {
                actual.sort(ROW_ORDER);
                expected.sort(ROW_ORDER);
            }
            String diff = compare(actual, expected);
            if (diff != null) {
                fail("seed=" + SEED + " query#" + n + " " + diff + "\nquiver: " + query.quiver() + "\nduckdb: " + query.duck()
                        + "\nquiver rows: " + abbreviate(actual) + "\nduckdb rows: " + abbreviate(expected));
            }
            compared++;
            if (!actual.isEmpty() && actual.get(0).stream().anyMatch(v -> v != null && !(v instanceof Double x && x == 0))) {
                informative++;
            }
        }
        System.out.printf("differential (" + getClass().getSimpleName() + "): %d queries compared (%d with non-trivial answers), %d failed in both, %.1f s%n",
                compared, informative, bothFailed, (System.nanoTime() - start) / 1e9);
        assertTrue(informative >= compared / 2, "generator produces mostly empty answers: " + informative + " of " + compared);
        assertTrue(compared >= total * 0.9, "too many queries failed in both engines: " + bothFailed);
    }

    @Test
    void comparatorDetectsDifferences() {
        assertTrue(compare(List.of(List.of(1.0)), List.of(List.of(1.0 + 1e-12))) == null, "within tolerance");
        assertTrue(compare(List.of(List.of(1.0)), List.of(List.of(1.001))) != null, "value difference");
        assertTrue(compare(List.of(List.of("a")), List.of()) != null, "row count difference");
        java.util.Arrays.asList(1);
        List<Object> withNull = new ArrayList<>();
        withNull.add(null);
        assertTrue(compare(List.of(withNull), List.of(List.of(0.0))) != null, "null vs zero");
    }

    private static String abbreviate(List<List<Object>> rows) {
        if (rows == null) {
            return "<error>";
        }
        return rows.size() > 20 ? rows.subList(0, 20) + " ... (" + rows.size() + " rows)" : rows.toString();
    }

    private List<List<Object>> quiverRows(String sql) {
        List<List<Object>> out = new ArrayList<>();
        try (QueryResult res = engine.execute(sql)) {
            List<ColumnType> types = res.cursor().columnTypes();
            RowBatch b;
            while ((b = res.cursor().next()) != null) {
                for (int i = 0; i < b.rowCount(); i++) {
                    List<Object> row = new ArrayList<>();
                    for (int c = 0; c < b.columnCount(); c++) {
                        Object v = b.column(c).getObject(i);
                        if (v != null && types.get(c) == ColumnType.DATE) {
                            v = java.time.LocalDate.ofEpochDay((Long) v).toString();
                        }
                        row.add(normalize(v));
                    }
                    out.add(row);
                }
            }
        }
        return out;
    }

    private List<List<Object>> duckRows(String sql) throws SQLException {
        List<List<Object>> out = new ArrayList<>();
        try (Statement st = duck.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int c = 1; c <= n; c++) {
                    Object v = rs.getObject(c);
                    if (v instanceof java.sql.Date || v instanceof java.time.LocalDate) {
                        v = v.toString();
                    }
                    row.add(normalize(v));
                }
                out.add(row);
            }
        }
        return out;
    }

    /** Numbers become Double (exact integers stay comparable), booleans stay Boolean, strings stay. */
    private static Object normalize(Object v) {
        return switch (v) {
            case null -> null;
            case Integer i -> (double) i;
            case Long l -> (double) l;
            case Short s -> (double) s;
            case Float f -> (double) f;
            case Double d -> d;
            case BigInteger bi -> bi.doubleValue();
            case BigDecimal bd -> bd.doubleValue();
            default -> v;
        };
    }

    private static final Comparator<List<Object>> ROW_ORDER = (a, b) -> {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = compareValues(a.get(i), b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    };

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compareValues(Object x, Object y) {
        if (x == null || y == null) {
            return x == null ? (y == null ? 0 : -1) : 1;
        }
        if (x instanceof Double dx && y instanceof Double dy) {
            // Round so values equal within tolerance sort alike in both answers.
            return Double.compare(round(dx), round(dy));
        }
        if (x.getClass() != y.getClass()) {
            return x.getClass().getName().compareTo(y.getClass().getName());
        }
        return ((Comparable) x).compareTo(y);
    }

    private static double round(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d) || d == 0) {
            return d;
        }
        double scale = Math.pow(10, 9 - Math.ceil(Math.log10(Math.abs(d))));
        return Math.round(d * scale) / scale;
    }

    private static String compare(List<List<Object>> actual, List<List<Object>> expected) {
        if (actual.size() != expected.size()) {
            return "row counts differ: quiver=" + actual.size() + " duckdb=" + expected.size();
        }
        for (int i = 0; i < actual.size(); i++) {
            List<Object> a = actual.get(i);
            List<Object> e = expected.get(i);
            if (a.size() != e.size()) {
                return "column counts differ at row " + i;
            }
            for (int c = 0; c < a.size(); c++) {
                if (!same(a.get(c), e.get(c))) {
                    return "value differs at row " + i + " column " + (c + 1) + ": quiver=" + a.get(c) + " duckdb=" + e.get(c);
                }
            }
        }
        return null;
    }

    private static boolean same(Object a, Object e) {
        if (a == null || e == null) {
            return a == e;
        }
        if (a instanceof Double x && e instanceof Double y) {
            if (Double.isNaN(x) || Double.isNaN(y)) {
                return Double.isNaN(x) && Double.isNaN(y);
            }
            return x.equals(y) || Math.abs(x - y) <= 1e-9 * Math.max(1, Math.max(Math.abs(x), Math.abs(y)));
        }
        return a.equals(e);
    }
}
