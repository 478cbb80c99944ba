package io.quiver.query;

import io.quiver.query.catalog.QueryCatalog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hand-written engine cases; subclasses run them over the in-memory test catalog and over the real
 * storage engine (where the fixture rows are flushed into a segment before each test).
 */
abstract class QueryEngineSuite {
    QueryEngine engine;

    abstract QueryCatalog newCatalog() throws Exception;

    /** Called after the fixture rows of table t are inserted. */
    void fixtureLoaded() throws Exception {
    }

    void closeCatalog() {
    }

    @BeforeEach
    void setUp() throws Exception {
        engine = new QueryEngine(newCatalog(), QueryConfig.defaults().withParallelism(3));
        exec("CREATE TABLE t (ts TIMESTAMP, k VARCHAR, v BIGINT, d DOUBLE) WITH (timestamp = 'ts', partition_by = 'DAY')");
        exec("INSERT INTO t VALUES (TIMESTAMP '2024-01-01 00:00:00', 'a', 1, 1.5), (TIMESTAMP '2024-01-01 01:00:00', 'b', 2, NULL),"
                + " (TIMESTAMP '2024-01-02 00:00:00', 'a', NULL, 2.5), (TIMESTAMP '2024-12-31 23:59:59', NULL, 4, 0.0),"
                + " (TIMESTAMP '2025-01-01 00:00:00', 'b', 5, -1.0)");
        fixtureLoaded();
    }

    @AfterEach
    void tearDown() {
        engine.close();
        closeCatalog();
    }

    void exec(String sql) {
        engine.execute(sql).close();
    }

    List<List<Object>> q(String sql) {
        return Rows.query(engine, sql);
    }

    @Test
    void groupByWithNullsAndOrder() {
        assertEquals(List.of(List.of("a", 2L, 1L), List.of("b", 2L, 7L), java.util.Arrays.asList(null, 1L, 4L)),
                q("SELECT k, count(*), sum(v) FROM t GROUP BY k ORDER BY k NULLS LAST"));
    }

    @Test
    void globalAggregatesOverEmptyInput() {
        assertEquals(List.of(java.util.Arrays.asList(0L, null, null)), q("SELECT count(*), sum(v), avg(d) FROM t WHERE v > 100"));
    }

    @Test
    void statsAnswerCountMinMax() {
        assertEquals(List.of(List.of(5L, 4L, 1L, 5L)), q("SELECT count(*), count(v), min(v), max(v) FROM t"));
    }

    @Test
    void divisionByZeroAndOverflowFailTheQuery() {
        QueryException e = assertThrows(QueryException.class, () -> q("SELECT v / 0 FROM t"));
        assertEquals(ErrorCode.DIVISION_BY_ZERO, e.code());
        assertEquals("22012", e.sqlState());
        e = assertThrows(QueryException.class, () -> q("SELECT v * 9223372036854775807 FROM t"));
        assertEquals(ErrorCode.NUMERIC_OVERFLOW, e.code());
    }

    @Test
    void unknownColumnSuggestsClosestName() {
        QueryException e = assertThrows(QueryException.class, () -> q("SELECT kk\nFROM t"));
        assertEquals(ErrorCode.UNKNOWN_COLUMN, e.code());
        assertTrue(e.getMessage().contains("\"k\""), e.getMessage());
        assertEquals(1, e.line());
        e = assertThrows(QueryException.class, () -> q("SELECT k FROM tt"));
        assertEquals(ErrorCode.UNKNOWN_TABLE, e.code());
        assertTrue(e.getMessage().contains("\"t\""), e.getMessage());
    }

    @Test
    void syntaxErrorHasLineAndColumn() {
        QueryException e = assertThrows(QueryException.class, () -> q("SELECT 1 +\n  FROM t"));
        assertEquals(ErrorCode.SYNTAX_ERROR, e.code());
        assertEquals(1, e.line()); // Calcite points at the '+' that has no right operand
        assertEquals(10, e.column());
        e = assertThrows(QueryException.class, () -> q("\n  SELEC 1"));
        assertEquals(ErrorCode.SYNTAX_ERROR, e.code());
        assertTrue(e.getMessage().contains("at or near \"SELEC\"") && e.getMessage().contains("a statement starts with SELECT"),
                e.getMessage());
        assertEquals(2, e.line());
        assertEquals(3, e.column());
    }

    @Test
    void anAbbreviatedNameSuggestsTheColumnItAbbreviates() {
        exec("CREATE TABLE ab (ts TIMESTAMP, user_id BIGINT, country VARCHAR)");
        QueryException e = assertThrows(QueryException.class, () -> q("SELECT usr FROM ab"));
        assertTrue(e.getMessage().contains("did you mean \"user_id\""), e.getMessage());
        e = assertThrows(QueryException.class, () -> q("SELECT cntry FROM ab"));
        assertTrue(e.getMessage().contains("did you mean \"country\""), e.getMessage());
        e = assertThrows(QueryException.class, () -> q("SELECT zzz FROM ab"));
        assertTrue(!e.getMessage().contains("did you mean"), "nothing close: no suggestion: " + e.getMessage());
    }

    @Test
    void joinsAndSubqueries() {
        exec("CREATE TABLE u (ts TIMESTAMP, k VARCHAR, w BIGINT)");
        exec("INSERT INTO u VALUES (TIMESTAMP '2024-01-01 00:00:00', 'a', 10), (TIMESTAMP '2024-01-01 00:00:00', 'c', 30)");
        assertEquals(List.of(List.of("a", 1L, 10L), List.of("a", 0L, 10L)),
                q("SELECT t.k, coalesce(v, 0), w FROM t JOIN u ON t.k = u.k ORDER BY 2 DESC"));
        assertEquals(5L, (long) q("SELECT count(*) FROM t LEFT JOIN u ON t.k = u.k").get(0).get(0));
        assertEquals(List.of(List.of(2L)), q("SELECT count(*) FROM t WHERE k IN (SELECT k FROM u)"));
        assertEquals(List.of(List.of(2L)), q("SELECT count(*) FROM t WHERE k NOT IN (SELECT k FROM u)"));
        assertEquals(List.of(List.of(5L)), q("SELECT v FROM t WHERE v = (SELECT max(v) FROM t)"));
    }

    @Test
    void dateFunctionsAndStrings() {
        assertEquals(List.of(List.of(2024L, 3L)), q("SELECT extract(year FROM ts), count(*) FROM t WHERE ts < '2024-12-31' GROUP BY 1"));
        assertEquals(List.of(List.of("2024-01-01 00:00:00")),
                q("SELECT CAST(date_trunc('day', ts) AS VARCHAR) FROM t WHERE ts = TIMESTAMP '2024-01-01 01:00:00'"));
        assertEquals(List.of(List.of(3L, "ÉTÉ", "té")), q("SELECT length('été'), upper('été'), substring('été', 2, 2)"));
    }

    @Test
    void limitsFailOnlyTheQuery() {
        QueryException e = assertThrows(QueryException.class,
                () -> Rows.query(engine, "SELECT * FROM t", QueryOptions.defaults().withResultMaxRows(2)));
        assertEquals(ErrorCode.RESULT_LIMIT, e.code());
        e = assertThrows(QueryException.class,
                () -> Rows.query(engine, "SELECT k, count(*) FROM t GROUP BY k", QueryOptions.defaults().withMemoryMaxBytes(100)));
        assertEquals(ErrorCode.MEMORY_LIMIT, e.code());
        // Scan and expression vectors count too: a streaming filter over a tiny budget fails.
        e = assertThrows(QueryException.class,
                () -> Rows.query(engine, "SELECT upper(k) FROM t WHERE v > 0", QueryOptions.defaults().withMemoryMaxBytes(10_000)));
        assertEquals(ErrorCode.MEMORY_LIMIT, e.code());
        assertEquals(4, Rows.query(engine, "SELECT upper(k) FROM t WHERE v > 0", QueryOptions.defaults().withMemoryMaxBytes(1 << 20)).size());
        QueryContext ctx = new QueryContext();
        ctx.cancel();
        e = assertThrows(QueryException.class, () -> Rows.query(engine, "SELECT * FROM t", QueryOptions.defaults().withContext(ctx)));
        assertEquals(ErrorCode.QUERY_CANCELLED, e.code());
        e = assertThrows(QueryException.class, () -> Rows.query(engine,
                "SELECT count(*) FROM t a, t b, t c, t d, t e, t f, t g, t h WHERE a.v + b.v + c.v + d.v + e.v + f.v + g.v + h.v > 0",
                QueryOptions.defaults().withTimeoutMs(1)));
        assertEquals(ErrorCode.QUERY_TIMEOUT, e.code());
        assertEquals("57014", e.sqlState());
        assertEquals(5L, (long) q("SELECT count(*) FROM t").get(0).get(0), "engine still healthy");
    }

    @Test
    void explainAnalyzeReportsScanBlocks() {
        List<List<Object>> plan = q("EXPLAIN ANALYZE SELECT k, sum(v) FROM t WHERE v > 1 GROUP BY k");
        String text = plan.toString();
        assertTrue(text.contains("HashAggregate") && text.contains("blocksRead=") && text.contains("blocksSkipped="), text);
        for (List<Object> line : plan) {
            String l = (String) line.get(0);
            assertTrue(l.startsWith("peak memory=") || l.contains("rows=") && l.contains("time="), "every operator reports rows and time: " + l);
        }
        assertTrue(text.contains("HashAggregate keys=[k] aggs=[sum(v)]  [rows=2,"), "the aggregate's output rows (a, b): " + text);
    }

    @Test
    void outerAndSemiJoinsBuildTheSmallerPreservedSide() {
        exec("CREATE TABLE small (ts TIMESTAMP, k VARCHAR)");
        exec("INSERT INTO small VALUES (TIMESTAMP '2024-01-01 00:00:00', 'a'), (TIMESTAMP '2024-01-01 00:00:00', 'zz'),"
                + " (TIMESTAMP '2024-01-01 00:00:00', NULL), (TIMESTAMP '2024-01-01 00:00:00', 'b')");
        String left = "SELECT s.k, t.v FROM small s LEFT JOIN t ON s.k = t.k AND t.v > 1 ORDER BY 1 NULLS LAST, 2 NULLS LAST";
        String plan = q("EXPLAIN " + left).toString();
        assertTrue(plan.contains("HashJoin LEFT build=left"), plan);
        assertEquals(List.of(List.of("a", "null"), List.of("b", 2L), List.of("b", 5L), List.of("zz", "null"), List.of("null", "null")),
                q(left).stream().map(r -> r.stream().map(v -> v == null ? "null" : v).toList()).toList());
        String semi = "SELECT k FROM small WHERE k IN (SELECT k FROM t) ORDER BY 1";
        assertTrue(q("EXPLAIN " + semi).toString().contains("HashJoin SEMI build=left"), q("EXPLAIN " + semi).toString());
        assertEquals(List.of(List.of("a"), List.of("b")), q(semi));
        assertEquals(List.of(List.of("zz")), q("SELECT k FROM small WHERE k NOT IN (SELECT k FROM t WHERE k IS NOT NULL)"));
    }

    @Test
    void postgresIntervalLiterals() {
        assertEquals(List.of(List.of(2L)), q("SELECT count(*) FROM t WHERE ts >= TIMESTAMP '2024-12-31 12:00:00' - interval '1 day 12 hours'"
                + " AND ts < TIMESTAMP '2025-01-01 00:00:00' + INTERVAL '1 second'"));
        assertEquals(List.of(List.of("2024-02-29 00:00:00", "2024-01-01 23:30:00", "2023-12-25 00:00:00")),
                q("SELECT CAST(TIMESTAMP '2024-01-31 00:00:00' + interval '1 mon' AS VARCHAR),"
                        + " CAST(TIMESTAMP '2024-01-01 00:00:00' + INTERVAL '23:30' AS VARCHAR),"
                        + " CAST(TIMESTAMP '2024-01-01 00:00:00' + interval '1 week ago' AS VARCHAR)"));
        assertEquals(2L, (long) q("SELECT count(DISTINCT time_bucket(interval '1 day', ts)) FROM t WHERE ts < '2024-12-01'").get(0).get(0));
        assertEquals(List.of(List.of(1L)), q("SELECT count(*) FROM t WHERE ts >= TIMESTAMP '2024-12-31 00:00:00' + INTERVAL '1' DAY"));
        QueryException e = assertThrows(QueryException.class, () -> q("SELECT interval '1 fortnight' + ts FROM t"));
        assertEquals(ErrorCode.INVALID_VALUE, e.code());
        e = assertThrows(QueryException.class, () -> q("SELECT ts + interval '1 day',\n  nope FROM t"));
        assertEquals(2, e.line(), e.getMessage());
        assertEquals(3, e.column(), e.getMessage());
    }

    @Test
    void windowFunctions() {
        List<List<Object>> rows = q("SELECT k, v, row_number() OVER (PARTITION BY k ORDER BY ts), sum(v) OVER (PARTITION BY k ORDER BY ts),"
                + " lag(v) OVER (ORDER BY ts), rank() OVER (ORDER BY k NULLS LAST), lead(k, 1, 'none') OVER (ORDER BY ts) FROM t ORDER BY ts");
        assertEquals(List.of(
                List.of("a", 1L, 1L, 1L, "null", 1L, "b"),
                List.of("b", 2L, 1L, 2L, 1L, 3L, "a"),
                List.of("a", "null", 2L, 1L, 2L, 1L, "null"),
                List.of("null", 4L, 1L, 4L, "null", 5L, "b"),
                List.of("b", 5L, 2L, 7L, 4L, 3L, "none")), rows.stream().map(r -> r.stream().map(v -> v == null ? "null" : v).toList()).toList());
        // Peers share the default RANGE frame; a ROWS frame does not.
        assertEquals(List.of(List.of("a", 1L, 1L), List.of("a", 1L, 2L), List.of("b", 3L, 3L), List.of("b", 3L, 4L)),
                q("SELECT k, count(*) OVER (ORDER BY k RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) - 1,"
                        + " count(*) OVER (ORDER BY k, ts ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM t WHERE k IS NOT NULL ORDER BY 3"));
        assertEquals(List.of(List.of("a", 1L, 2L), List.of("b", 7L, 1L)),
                q("SELECT k, sum(v), rank() OVER (ORDER BY sum(v) DESC) FROM t WHERE k IS NOT NULL GROUP BY k ORDER BY k"));
        QueryException e = assertThrows(QueryException.class, () -> q("SELECT k FROM t WHERE row_number() OVER (ORDER BY ts) = 1"));
        assertEquals(ErrorCode.GROUPING_ERROR, e.code());
    }

    @Test
    void ddlShowDescribe() {
        exec("ALTER TABLE t ADD COLUMN extra INT");
        assertEquals(List.of(List.of(5L)), q("SELECT count(*) FROM t WHERE extra IS NULL"));
        assertEquals(List.of(List.of("t")), q("SHOW TABLES"));
        assertEquals(5, q("DESCRIBE t").size());
        exec("DROP TABLE t");
        exec("DROP TABLE IF EXISTS t");
        assertEquals(List.of(), q("SHOW TABLES"));
    }

    /** 25 000 rows: five-way products of t's rows (8 192 with non-NULL k, 8 192 with non-NULL v), suffixed three times. */
    private void loadBig() {
        exec("CREATE TABLE big (ts TIMESTAMP, k VARCHAR, v BIGINT)");
        exec("INSERT INTO big SELECT a.ts, a.k || b.k || c.k || d.k || e.k, a.v * 10000 + b.v * 1000 + c.v * 100 + d.v * 10 + e.v"
                + " FROM t a, t b, t c, t d, t e");
        exec("INSERT INTO big SELECT ts, k || 'x', v + 100000 FROM big");
        exec("INSERT INTO big SELECT ts, k || 'y', v + 1000000 FROM big");
        exec("INSERT INTO big SELECT ts, k || 'z', v + 10000000 FROM big");
    }

    @Test
    void highCardinalityStringGroupingOverTheMemoryBudgetFailsNamingTheLimit() {
        loadBig();
        // 8 193 distinct computed (plain, not dictionary-coded) strings of 100+ bytes, one per non-NULL v
        // and NULL: the string table's arena (over 800 KB) counts against the budget as it grows
        String sql = "SELECT CAST(v AS VARCHAR) || '/' || repeat('x', 100) AS s, count(*) AS c FROM big GROUP BY 1";
        QueryException e = assertThrows(QueryException.class, () -> Rows.query(engine, sql, QueryOptions.defaults().withMemoryMaxBytes(400_000)));
        assertEquals(ErrorCode.MEMORY_LIMIT, e.code());
        assertTrue(e.getMessage().contains("query.memory.max.bytes"), e.getMessage());
        assertEquals(List.of(List.of(8_193L, 25_000L)), q("SELECT count(*), sum(c) FROM (" + sql + ") g"));
    }

    @Test
    void hashJoinsOverTheMemoryBudgetFailNamingTheLimit() {
        loadBig();
        QueryOptions small = QueryOptions.defaults().withMemoryMaxBytes(400_000);
        assertEquals(List.of(List.of(25_000L, 8_192L)), Rows.query(engine, "SELECT count(*), count(v) FROM big WHERE v > 0 OR v IS NULL", small),
                "a streaming scan and aggregate fit the budget (peak about 200 KB; the join builds 0.7-1.9 MB)");
        for (String sql : List.of("SELECT count(*) FROM big a JOIN big b ON a.v = b.v",
                "SELECT count(*) FROM big a LEFT JOIN big b ON a.k = b.k",
                "SELECT count(*) FROM big WHERE v IN (SELECT v FROM big)",
                "SELECT count(*) FROM big WHERE v NOT IN (SELECT v FROM big WHERE v IS NOT NULL)")) {
            QueryException e = assertThrows(QueryException.class, () -> Rows.query(engine, sql, small), sql);
            assertEquals(ErrorCode.MEMORY_LIMIT, e.code(), sql);
            assertEquals("53200", e.sqlState());
            assertTrue(e.getMessage().contains("query.memory.max.bytes"), e.getMessage());
        }
        // Within the default budget: v is unique where not NULL; each non-NULL k has 32 equal keys (t's k is a, b, a, NULL, b)
        // and the 16 808 NULL keys match nothing.
        assertEquals(List.of(List.of(8_192L, 8_192L * 32 + 16_808, 8_192L, 0L)), q("SELECT (SELECT count(*) FROM big a JOIN big b ON a.v = b.v),"
                + " (SELECT count(*) FROM big a LEFT JOIN big b ON a.k = b.k), (SELECT count(*) FROM big WHERE v IN (SELECT v FROM big)),"
                + " (SELECT count(*) FROM big WHERE v NOT IN (SELECT v FROM big WHERE v IS NOT NULL))"));
    }

    @Test
    void cancelFromAnotherThreadAndDeadlineStopARunningQuery() throws Exception {
        loadBig();
        String endless = "SELECT count(*) FROM big a, big b WHERE a.v + b.v > 0"; // 625 M pairs
        QueryContext ctx = new QueryContext();
        Thread canceller = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ctx.cancel();
        });
        long start = System.nanoTime();
        QueryException e = assertThrows(QueryException.class, () -> Rows.query(engine, endless, QueryOptions.defaults().withContext(ctx)));
        canceller.join();
        assertEquals(ErrorCode.QUERY_CANCELLED, e.code());
        assertTrue(System.nanoTime() - start < 10_000_000_000L, "cancel stops the query promptly");
        e = assertThrows(QueryException.class, () -> Rows.query(engine, endless, QueryOptions.defaults().withTimeoutMs(200)));
        assertEquals(ErrorCode.QUERY_TIMEOUT, e.code());
        assertTrue(e.getMessage().contains("query.timeout.ms"), e.getMessage());
        assertEquals(List.of(List.of(25_000L)), q("SELECT count(*) FROM big"), "the engine is healthy afterwards");
    }

    // ------------------------------------------------------------------ DELETE

    long update(String sql) {
        try (QueryResult r = engine.execute(sql)) {
            return r.updateCount();
        }
    }

    @Test
    void deleteReturnsRowsDeletedAndNullConditionKeepsTheRow() {
        assertEquals(2, update("DELETE FROM t WHERE v > 3"));
        assertEquals(List.of(List.of(3L, 2L, 1L, 2L)), q("SELECT count(*), count(v), min(v), max(v) FROM t"));
        // v <> 2 is NULL for the row whose v is NULL: it stays.
        assertEquals(1, update("DELETE FROM t WHERE v <> 2"));
        assertEquals(List.of(java.util.Arrays.asList("a", null), List.of("b", 2L)), q("SELECT k, v FROM t ORDER BY k"));
        assertEquals(0, update("DELETE FROM t WHERE v > 100"), "nothing matches");
        assertEquals(0, update("DELETE FROM t WHERE NULL"), "a NULL condition deletes nothing");
        assertEquals(0, update("DELETE FROM t WHERE 1 = 0"));
        assertEquals(2, update("DELETE FROM t"), "no WHERE deletes every row");
        assertEquals(List.of(java.util.Arrays.asList(0L, null, null)), q("SELECT count(*), min(v), max(d) FROM t"));
        assertEquals(0, update("DELETE FROM t"), "deleting from an empty table");
    }

    @Test
    void deleteBindsLikeSelect() {
        assertEquals(2, update("DELETE FROM t AS x WHERE x.k = 'a'"));
        assertEquals(1, update("DELETE FROM t WHERE ts >= '2024-12-31' AND ts < DATE '2025-01-01' AND d IS NOT NULL"),
                "string and date literals compared with a TIMESTAMP column");
        assertEquals(1, update("DELETE FROM t WHERE lower(k) LIKE 'b%' AND coalesce(d, 0) = 0"));
        assertEquals(List.of(List.of("b", 5L)), q("SELECT k, v FROM t"));
        QueryException e = assertThrows(QueryException.class, () -> update("DELETE FROM t\nWHERE vv = 5"));
        assertEquals(ErrorCode.UNKNOWN_COLUMN, e.code());
        assertTrue(e.getMessage().contains("vv") && e.getMessage().contains("\"v\""), e.getMessage());
        assertEquals(2, e.line());
        assertEquals(7, e.column());
        e = assertThrows(QueryException.class, () -> update("DELETE FROM tt WHERE v = 1"));
        assertEquals(ErrorCode.UNKNOWN_TABLE, e.code());
        assertTrue(e.getMessage().contains("tt") && e.getMessage().contains("\"t\""), e.getMessage());
        e = assertThrows(QueryException.class, () -> update("DELETE FROM t WHERE k"));
        assertEquals(ErrorCode.TYPE_MISMATCH, e.code(), e.getMessage());
        e = assertThrows(QueryException.class, () -> update("DELETE FROM t WHERE max(v) > 1"));
        assertEquals(ErrorCode.GROUPING_ERROR, e.code(), e.getMessage());
        assertEquals(List.of(List.of(1L)), q("SELECT count(*) FROM t"), "failed DELETEs delete nothing");
    }

    @Test
    void deleteWithSubqueriesThatRunFirst() {
        QueryException e = assertThrows(QueryException.class, () -> update("DELETE FROM t WHERE v = (SELECT v FROM t)"));
        assertEquals(ErrorCode.CARDINALITY_VIOLATION, e.code());
        assertEquals(0, update("DELETE FROM t WHERE v NOT IN (SELECT v FROM t WHERE k = 'a')"), "the subquery holds a NULL: NOT IN is never true");
        assertEquals(0, update("DELETE FROM t WHERE EXISTS (SELECT 1 FROM t WHERE v > 100)"));
        assertEquals(List.of(List.of(5L)), q("SELECT count(*) FROM t"));
        assertEquals(2, update("DELETE FROM t WHERE v IN (SELECT v FROM t WHERE k = 'b')"), "v 2 and 5");
        assertEquals(1, update("DELETE FROM t WHERE v = (SELECT max(v) FROM t) AND NOT EXISTS (SELECT 1 FROM t WHERE v > 100)"),
                "the subquery sees the table before this delete: max(v) = 4");
        assertEquals(2, update("DELETE FROM t WHERE v NOT IN (SELECT v FROM t WHERE v > 100)"), "NOT IN (no rows) is true, even for a NULL v");
        assertEquals(List.of(List.of(0L)), q("SELECT count(*) FROM t"));
    }

    @Test
    void deleteSubqueryValuesCountAgainstTheMemoryBudget() {
        loadBig();
        String sql = "DELETE FROM t WHERE v IN (SELECT v FROM big) OR v IN (SELECT v + 3 FROM big)";
        QueryException e = assertThrows(QueryException.class,
                () -> engine.execute(sql, QueryOptions.defaults().withMemoryMaxBytes(400_000)).close());
        assertEquals(ErrorCode.MEMORY_LIMIT, e.code(), "50 000 subquery values do not fit 400 KB");
        assertEquals(List.of(List.of(5L)), q("SELECT count(*) FROM t"));
        // Within the default budget it runs: big's v are five-digit codes and their offsets, none of t's (1..5).
        assertEquals(0, update("DELETE FROM t WHERE v IN (SELECT v FROM big)"));
        assertEquals(List.of(List.of(5L)), q("SELECT count(*) FROM t"));
    }

    @Test
    void failingDeleteDeletesNothing() {
        QueryException e = assertThrows(QueryException.class, () -> update("DELETE FROM t WHERE v / (v - 2) > 0"));
        assertEquals(ErrorCode.DIVISION_BY_ZERO, e.code());
        QueryContext ctx = new QueryContext();
        ctx.cancel();
        e = assertThrows(QueryException.class, () -> engine.execute("DELETE FROM t WHERE v > 0", QueryOptions.defaults().withContext(ctx)));
        assertEquals(ErrorCode.QUERY_CANCELLED, e.code());
        assertEquals(List.of(List.of(5L)), q("SELECT count(*) FROM t"));
    }

    @Test
    void deleteInsertDeleteAgain() {
        assertEquals(3, update("DELETE FROM t WHERE ts < '2024-02-01'"));
        exec("INSERT INTO t VALUES (TIMESTAMP '2024-01-01 00:00:00', 'a', 10, 1.0), (TIMESTAMP '2024-01-03 00:00:00', 'c', 11, 2.0)");
        assertEquals(List.of(List.of(4L, 4L, 11L)), q("SELECT count(*), min(v), max(v) FROM t"));
        assertEquals(2, update("DELETE FROM t WHERE v >= 5 AND v < 11"), "one fixture row, one inserted row");
        assertEquals(List.of(List.of(4L), List.of(11L)), q("SELECT v FROM t ORDER BY v"));
        exec("INSERT INTO t SELECT ts, k, v * 2, d FROM t");
        assertEquals(List.of(List.of(4L), List.of(8L), List.of(11L), List.of(22L)), q("SELECT v FROM t ORDER BY v"));
        assertEquals(2, update("DELETE FROM t WHERE v % 2 = 0 AND v > 5"));
        assertEquals(List.of(List.of(2L, 15L)), q("SELECT count(*), sum(v) FROM t"));
    }
}
