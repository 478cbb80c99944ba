package io.quiver.query;

import io.quiver.query.catalog.QueryCatalog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SQL surface of issue 4, item by item, with exact expected answers over one small table of
 * every column type whose rows sit on the edges engines get wrong: BIGINT/INT/SMALLINT maxima,
 * -0.0 and NaN, a leap day, the last microsecond of a year, Unicode and LIKE metacharacters in
 * strings, and a row of NULLs. Subclasses run it over the in-memory catalog and over segments.
 */
abstract class SqlSurfaceSuite {
    QueryEngine engine;

    abstract QueryCatalog newCatalog() throws Exception;

    /** Called after the fixture is inserted (storage flushes it into segments). */
    void fixtureLoaded() throws Exception {
    }

    void closeCatalog() {
    }

    @BeforeEach
    void setUp() throws Exception {
        engine = new QueryEngine(newCatalog(), QueryConfig.defaults().withParallelism(2));
        exec("CREATE TABLE s (ts TIMESTAMP, k VARCHAR, v BIGINT, i INT, d DOUBLE, dt DATE, b BOOLEAN, sm SMALLINT)");
        exec("INSERT INTO s VALUES"
                + " ('2023-02-28 12:34:56.789', 'a_b%c', 9223372036854775807, 2147483647, -0.0, '2024-02-29', true, 32767),"
                + " ('2024-01-01 00:00:00', 'apple', 1, 10, 1.5, '2024-01-01', true, 1),"
                + " ('2024-12-31 23:59:59.999999', 'Été', 2, NULL, NULL, '2024-12-31', false, 2),"
                + " ('2025-01-01 00:00:00', NULL, NULL, -5, 'NaN', NULL, NULL, NULL)");
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

    /** The only row of a query. */
    List<Object> one(String sql) {
        List<List<Object>> rows = q(sql);
        assertEquals(1, rows.size(), sql + " -> " + rows);
        return rows.get(0);
    }

    static List<Object> row(Object... values) {
        return Arrays.asList(values);
    }

    ErrorCode fails(String sql) {
        return assertThrows(QueryException.class, () -> q(sql), sql).code();
    }

    @Test
    void patternMatchingAndRegex() {
        assertEquals(List.of(
                row(false, true, false, false, true, false, true, true, true),
                row(true, true, true, false, true, false, false, false, false),
                row(false, false, false, true, true, true, false, false, true),
                row(null, null, null, null, null, null, null, null, null)),
                q("SELECT k ILIKE 'APP%', k NOT ILIKE 'été', k ~ 'p+l', k ~* '^é', k !~ 'x', k !~* 'A',"
                        + " k LIKE 'a\\_b\\%c' ESCAPE '\\', k LIKE 'a_b%', k NOT LIKE '%e' FROM s ORDER BY ts"));
        assertEquals(List.of(
                row(false, "a_b%c", "a_b%c", "a_b%c", "z_b%c"),
                row(true, "a<pp>le", "aPple", "aPPle", "zpple"),
                row(false, "Été", "Été", "Été", "Été"),
                row(null, null, null, null, null)),
                q("SELECT regexp_matches(k, '^[a-z]+$'), regexp_replace(k, '(p+)', '<\\1>'), regexp_replace(k, 'p', 'P'),"
                        + " regexp_replace(k, 'p', 'P', 'g'), regexp_replace(k, 'A', 'z', 'gi') FROM s ORDER BY ts"));
        assertEquals(ErrorCode.INVALID_VALUE, fails("SELECT regexp_replace(k, '(', 'y') FROM s"));
    }

    @Test
    void caseCoalesceNullif() {
        assertEquals(List.of(
                row("big", null, 2147483647L, "a_b%c", 2147483647L, "a_b%c", 0L),
                row("one", 1L, 10L, "apple", null, null, 10L),
                row("big", 2L, 2L, "Été", null, "Été", 0L),
                row("other", null, -5L, "none", -5L, null, 0L)),
                q("SELECT CASE WHEN v > 1 THEN 'big' WHEN v = 1 THEN 'one' ELSE 'other' END, CASE k WHEN 'apple' THEN 1 WHEN 'Été' THEN 2 END,"
                        + " coalesce(i, v, -1), coalesce(k, 'none'), nullif(i, 10), nullif(k, 'apple'),"
                        + " CASE WHEN i > 0 THEN 100 / i ELSE 0 END FROM s ORDER BY ts"));
    }

    @Test
    void castsBetweenTypes() {
        assertEquals(List.of(
                row("2023-02-28 12:34:56.789", "2024-02-29", "0", "true", "32767"),
                row("2024-01-01 00:00:00", "2024-01-01", "1.5", "true", "1"),
                row("2024-12-31 23:59:59.999999", "2024-12-31", null, "false", "2"),
                row("2025-01-01 00:00:00", null, "NaN", null, null)),
                q("SELECT CAST(ts AS VARCHAR), CAST(dt AS VARCHAR), CAST(d AS VARCHAR), CAST(b AS VARCHAR), CAST(sm AS VARCHAR) FROM s ORDER BY ts"));
        assertEquals(List.of(
                row(2.147483647E9, 32767L, true, true, 1L, true),
                row(10.0, 1L, false, false, 1L, true),
                row(null, 2L, false, false, 0L, null),
                row(-5.0, null, null, false, null, true)),
                q("SELECT CAST(i AS DOUBLE), CAST(sm AS BIGINT), CAST(dt AS TIMESTAMP) = TIMESTAMP '2024-02-29 00:00:00',"
                        + " CAST(ts AS DATE) = DATE '2023-02-28', CAST(b AS INT), CAST(i AS BOOLEAN) FROM s ORDER BY ts"));
        // Doubles round half to even when cast to integers (PostgreSQL float8 -> int).
        assertEquals(row(12L, 12L, 2.5, 19783L, 1709254923500000L, true, false, 2L, -2L, 4L, true, false),
                one("SELECT CAST('12' AS INT), CAST(' 12 ' AS BIGINT), CAST('2.5' AS DOUBLE), CAST('2024-03-01' AS DATE),"
                        + " CAST('2024-03-01 01:02:03.5' AS TIMESTAMP), CAST('true' AS BOOLEAN), CAST('f' AS BOOLEAN), CAST(2.5 AS INT),"
                        + " CAST(-2.5 AS BIGINT), CAST(3.7 AS SMALLINT), CAST(1 AS BOOLEAN), CAST(0 AS BOOLEAN)"));
        assertEquals(ErrorCode.NUMERIC_OVERFLOW, fails("SELECT CAST(v AS INT) FROM s WHERE v > 100"));
        assertEquals(ErrorCode.NUMERIC_OVERFLOW, fails("SELECT CAST(i AS SMALLINT) FROM s WHERE i > 100"));
        assertEquals(ErrorCode.NUMERIC_OVERFLOW, fails("SELECT CAST(d AS INT) FROM s WHERE d = 'NaN'"));
        assertEquals(ErrorCode.INVALID_VALUE, fails("SELECT CAST('abc' AS INT)"));
        assertEquals(ErrorCode.INVALID_VALUE, fails("SELECT CAST('2024-13-01' AS DATE)"));
        assertEquals(ErrorCode.INVALID_VALUE, fails("SELECT CAST('yes please' AS BOOLEAN)"));
        assertEquals(ErrorCode.TYPE_MISMATCH, fails("SELECT CAST(dt AS INT) FROM s"));
    }

    @Test
    void postgresCastOperatorBindsTighterThanEveryOperator() {
        // Calcite's Babel parser makes '::' bind loosest; PostgreSQL (and DuckDB) bind it tightest.
        assertEquals(row(2.5, 2.0, true, 6L, 1L, true, 14L, 1L, 2L, "5x", 13L),
                one("SELECT 5 / 2::double, (5 / 2)::double, 1 = 1::double, '5'::int + 1, (1 = 1)::int, 'NaN'::double = 'NaN'::double,"
                        + " 2 + 3 * '4'::int, 7 - 2::int * 3, 7 - 2::int * 3 + 1, '5'::int::varchar || 'x', ('1' || '2')::int + 1"));
        assertEquals(row(1L, 2L), one("SELECT count(*) FILTER (WHERE v = '2'::bigint), count(*) FILTER (WHERE ts > '2024-06-01'::timestamp) FROM s"));
        assertEquals(row(false, true, true), one("SELECT 1 = (2)::int, 1 = 7 - 2::int * 3, sm::int BETWEEN 0 AND 5::int FROM s WHERE sm = 2"));
    }

    @Test
    void aggregatesOfEveryKind() {
        assertEquals(row(4L, 3L, 3L, 2L, "a_b%c", "Été", 19723L, 20088L, true, 32767L, 0.0, Double.NaN, 2147483652L, 10923.333333333334,
                false, true), one("SELECT count(*), count(i), count(k), count(DISTINCT b), min(k), max(k), min(dt), max(dt),"
                + " min(ts) = TIMESTAMP '2023-02-28 12:34:56.789', max(sm), min(d), max(d), sum(i), avg(sm), bool_and(b), bool_or(b) FROM s"));
        assertEquals(ErrorCode.NUMERIC_OVERFLOW, fails("SELECT sum(v) FROM s"), "SUM of BIGINT overflows with an error, not a wrap");
        List<Object> r = one("SELECT approx_count_distinct(k), approx_count_distinct(i), quantile_cont(sm, 0.5), quantile_disc(sm, 0.5),"
                + " median(sm), percentile_cont(0.25) WITHIN GROUP (ORDER BY sm), percentile_disc(0.75) WITHIN GROUP (ORDER BY sm DESC),"
                + " approx_quantile(sm, 0.5), stddev(sm), stddev_pop(sm), variance(sm), var_pop(sm), var_samp(sm),"
                + " any_value(k) IN ('a_b%c', 'apple', 'Été') FROM s");
        assertEquals(row(3L, 3L, 2.0, 2L, 2.0, 1.5, 1L, 2L), r.subList(0, 8));
        // {1, 2, 32767}: sample/population standard deviation and variance
        assertEquals(18917.170251740437, (Double) r.get(8), 1e-6);
        assertEquals(15445.804831373756, (Double) r.get(9), 1e-6);
        assertEquals(357859330.3333333, (Double) r.get(10), 1e-3);
        assertEquals(238572886.8888889, (Double) r.get(11), 1e-3);
        assertEquals(357859330.3333333, (Double) r.get(12), 1e-3);
        assertEquals(true, r.get(13));
        assertEquals(row(2147483657L, 1L, 16384.0, "apple", 1L),
                one("SELECT sum(i) FILTER (WHERE i > 0), count(*) FILTER (WHERE k IS NULL), avg(sm) FILTER (WHERE b),"
                        + " max(k) FILTER (WHERE k <> 'Été'), count(DISTINCT b) FILTER (WHERE b) FROM s"));
    }

    @Test
    void aggregatesOverEmptyInputAndEmptyGroups() {
        assertEquals(List.of(), q("SELECT k, count(*), sum(sm) FROM s WHERE false GROUP BY k"));
        assertEquals(row(0L, null, null, null, null, 0L, null, null, null),
                one("SELECT count(*), sum(sm), avg(sm), min(k), stddev(sm), approx_count_distinct(k), quantile_cont(sm, 0.5), bool_or(b),"
                        + " max(dt) FROM s WHERE false"));
        assertEquals(row(null, null, 1L), one("SELECT stddev(sm), variance(sm), count(*) FROM s WHERE sm = 1"), "one row has no sample variance");
        assertEquals(row(3L, 2L, 1.5), one("SELECT count(*), count(*) FILTER (WHERE sm IS NOT NULL), avg(v) FROM s WHERE v < 100 OR v IS NULL"));
    }

    @Test
    void dateAndTimeFunctions() {
        assertEquals(List.of(
                row("2023-02-01 00:00:00", "2023-01-01 00:00:00", "2023-02-28 12:00:00", "2023-02-27 00:00:00", "2023-01-01 00:00:00",
                        "2023-02-28 12:34:00", "2023-02-28 12:34:56", "2024-02-29 00:00:00"),
                row("2024-01-01 00:00:00", "2024-01-01 00:00:00", "2024-01-01 00:00:00", "2024-01-01 00:00:00", "2024-01-01 00:00:00",
                        "2024-01-01 00:00:00", "2024-01-01 00:00:00", "2024-01-01 00:00:00"),
                row("2024-12-01 00:00:00", "2024-01-01 00:00:00", "2024-12-31 23:00:00", "2024-12-30 00:00:00", "2024-10-01 00:00:00",
                        "2024-12-31 23:59:00", "2024-12-31 23:59:59", "2024-12-31 00:00:00"),
                row("2025-01-01 00:00:00", "2025-01-01 00:00:00", "2025-01-01 00:00:00", "2024-12-30 00:00:00", "2025-01-01 00:00:00",
                        "2025-01-01 00:00:00", "2025-01-01 00:00:00", null)),
                q("SELECT CAST(date_trunc('month', ts) AS VARCHAR), CAST(date_trunc('year', ts) AS VARCHAR), CAST(date_trunc('hour', ts) AS VARCHAR),"
                        + " CAST(date_trunc('week', ts) AS VARCHAR), CAST(date_trunc('quarter', ts) AS VARCHAR), CAST(date_trunc('minute', ts) AS VARCHAR),"
                        + " CAST(date_trunc('second', ts) AS VARCHAR), CAST(date_trunc('day', dt) AS VARCHAR) FROM s ORDER BY ts"));
        assertEquals(List.of(
                row("2023-02-28 12:30:00", "2023-02-01 00:00:00", "2024-02-29 00:00:00", "2023-02-27 00:00:00"),
                row("2024-01-01 00:00:00", "2024-01-01 00:00:00", "2024-01-01 00:00:00", "2024-01-01 00:00:00"),
                row("2024-12-31 23:45:00", "2024-12-01 00:00:00", "2024-12-31 00:00:00", "2024-12-30 00:00:00"),
                row("2025-01-01 00:00:00", "2025-01-01 00:00:00", null, "2024-12-30 00:00:00")),
                q("SELECT CAST(time_bucket(interval '15 minutes', ts) AS VARCHAR), CAST(time_bucket(interval '1 month', ts) AS VARCHAR),"
                        + " CAST(time_bucket(interval '1 day', dt) AS VARCHAR), CAST(time_bucket(interval '1 week', ts) AS VARCHAR) FROM s ORDER BY ts"));
        assertEquals(List.of(
                row(2023L, 1L, 2L, 9L, 28L, 12L, 34L, 56.789, 56789.0, 56789000L, 2L, 2L, 59L, 1.677587696789E9),
                row(2024L, 1L, 1L, 1L, 1L, 0L, 0L, 0.0, 0.0, 0L, 1L, 1L, 1L, 1.7040672E9),
                row(2024L, 4L, 12L, 1L, 31L, 23L, 59L, 59.999999, 59999.999, 59999999L, 2L, 2L, 366L, 1.735689599999999E9),
                row(2025L, 1L, 1L, 1L, 1L, 0L, 0L, 0.0, 0.0, 0L, 3L, 3L, 1L, 1.7356896E9)),
                q("SELECT extract(year FROM ts), extract(quarter FROM ts), extract(month FROM ts), extract(week FROM ts), extract(day FROM ts),"
                        + " extract(hour FROM ts), extract(minute FROM ts), extract(second FROM ts), extract(millisecond FROM ts),"
                        + " extract(microsecond FROM ts), extract(dow FROM ts), extract(isodow FROM ts), extract(doy FROM ts), extract(epoch FROM ts)"
                        + " FROM s ORDER BY ts"));
        // DATE columns: extract and date_part see the day, not microseconds since 1970 (was: 1970-01-01 for every date).
        assertEquals(List.of(
                row(2024L, 2L, 29L, 60L, 4L, 1.7091648E9, 2024L, 59L, 2L),
                row(2024L, 1L, 1L, 1L, 1L, 1.7040672E9, 2024L, 1L, 1L),
                row(2024L, 12L, 31L, 366L, 2L, 1.7356032E9, 2024L, 366L, 12L),
                row(null, null, null, null, null, null, null, 1L, 1L)),
                q("SELECT extract(year FROM dt), extract(month FROM dt), extract(day FROM dt), extract(doy FROM dt), extract(dow FROM dt),"
                        + " extract(epoch FROM dt), date_part('year', dt), date_part('doy', ts), date_part(month, ts) FROM s ORDER BY ts"));
        assertEquals(ErrorCode.INVALID_VALUE, fails("SELECT date_part(k, ts) FROM s"), "a column is not a field name");
        assertEquals(ErrorCode.INVALID_VALUE, fails("SELECT extract(fortnight FROM ts) FROM s"));
        assertEquals(row(true, true, true, true),
                one("SELECT now() > TIMESTAMP '2026-01-01 00:00:00', now() = current_timestamp, current_date = CAST(now() AS DATE),"
                        + " now() - interval '1 day' < now()"));
    }

    @Test
    void intervalArithmeticAndBoundaryLiterals() {
        assertEquals(List.of(
                row("2023-03-01 12:34:56.789", "2023-01-28 12:34:56.789", "2023-02-28 13:34:56.789", "2023-02-28 12:34:56.789001",
                        "2024-03-01", "2024-02-28", 59L, "2025-02-28 00:00:00"),
                row("2024-01-02 00:00:00", "2023-12-01 00:00:00", "2024-01-01 01:00:00", "2024-01-01 00:00:00.000001",
                        "2024-01-02", "2023-12-31", 0L, "2025-01-01 00:00:00"),
                row("2025-01-01 23:59:59.999999", "2024-11-30 23:59:59.999999", "2025-01-01 00:59:59.999999", "2025-01-01 00:00:00",
                        "2025-01-01", "2024-12-30", 365L, "2025-12-31 00:00:00"),
                row("2025-01-02 00:00:00", "2024-12-01 00:00:00", "2025-01-01 01:00:00", "2025-01-01 00:00:00.000001",
                        null, null, null, null)),
                q("SELECT CAST(ts + interval '1 day' AS VARCHAR), CAST(ts - interval '1 month' AS VARCHAR), CAST(ts + interval '1' hour AS VARCHAR),"
                        + " CAST(ts + interval '1 microsecond' AS VARCHAR), CAST(dt + 1 AS VARCHAR), CAST(dt - 1 AS VARCHAR), dt - DATE '2024-01-01',"
                        + " CAST(dt + interval '1 year' AS VARCHAR) FROM s ORDER BY ts"));
        assertEquals(row(1L, 2L, 2L, 1L), one("SELECT count(*) FILTER (WHERE ts >= '2024-12-31' AND ts < DATE '2025-01-01'),"
                + " count(*) FILTER (WHERE ts >= '2024-12-31 23:59:59.999999' AND ts <= '2025-01-01'),"
                + " count(*) FILTER (WHERE dt = '2024-02-29' OR dt > '2024-12-30'),"
                + " count(*) FILTER (WHERE ts BETWEEN '2024-01-01' AND '2024-01-01 00:00:00') FROM s"));
        assertEquals(ErrorCode.INVALID_VALUE, fails("SELECT count(*) FROM s WHERE ts = 'not a time'"));
    }

    @Test
    void timestampDifferencesAreIntervals() {
        // PostgreSQL's text form: days, then the time of day, both signed
        assertEquals(row("672 days 11:25:03.211", 58101903.211, 58101903211000L), one("SELECT CAST(max(ts) - min(ts) AS VARCHAR),"
                + " extract(epoch FROM max(ts) - min(ts)), max(ts) - min(ts) FROM s"));
        assertEquals(List.of(
                row("672 days 11:25:03.211", "-306 days -13:25:03.211", "-365 days -11:25:03.211", 672L, 11L, 25L, 3.211),
                row("366 days", "-02:00:00", "00:00:00", 366L, 0L, 0L, 0.0),
                row("00:00:00.000001", "365 days 21:59:59.999999", "23:59:59.999999", 0L, 0L, 0L, 0.000001),
                row("00:00:00", "365 days 22:00:00", null, 0L, 0L, 0L, 0.0)),
                q("SELECT CAST(TIMESTAMP '2025-01-01' - ts AS VARCHAR), CAST(ts - TIMESTAMP '2024-01-01 02:00:00' AS VARCHAR),"
                        + " CAST(ts - dt AS VARCHAR), extract(day FROM '2025-01-01' - ts), date_part('hour', TIMESTAMP '2025-01-01' - ts),"
                        + " extract(minute FROM TIMESTAMP '2025-01-01' - ts), extract(second FROM TIMESTAMP '2025-01-01' - ts) FROM s ORDER BY ts"));
        assertEquals(row(-306L, -13L, -25L, -3.211), one("SELECT extract(day FROM d), extract(hour FROM d), extract(minute FROM d),"
                + " extract(second FROM d) FROM (SELECT min(ts) - TIMESTAMP '2024-01-01 02:00:00' AS d FROM s) x"));
        // compared with interval constants and interval text (a year counts 360 days, as PostgreSQL compares); used in
        // WHERE, GROUP BY and ORDER BY
        assertEquals(row(2L, 3L, 2L, 1L), one("SELECT count(*) FILTER (WHERE TIMESTAMP '2025-01-01' - ts < INTERVAL '1 day'),"
                + " count(*) FILTER (WHERE TIMESTAMP '2025-01-01' - ts <= '366 days'),"
                + " count(*) FILTER (WHERE TIMESTAMP '2025-01-01' - ts > INTERVAL '1 year'),"
                + " count(*) FILTER (WHERE ts - dt BETWEEN INTERVAL '12 hours' AND '1 day') FROM s"));
        assertEquals(List.of(row("731 days", 1L), row("366 days", 2L), row("00:00:00", 1L)),
                q("SELECT CAST(age AS VARCHAR), count(*) FROM (SELECT TIMESTAMP '2025-01-01' - date_trunc('year', ts) AS age FROM s) x"
                        + " GROUP BY age ORDER BY age DESC"));
        // interval arithmetic: with timestamps, with intervals, scaled, negated
        assertEquals(row("2025-01-02 00:00:00", "2024-12-31 00:00:00", "1344 days 22:50:06.422", "168 days 02:51:15.80275",
                        "-672 days -11:25:03.211", "672 days 12:25:03.211", "2024-12-31 23:00:00"),
                one("SELECT CAST(max(ts) + (max(ts) - TIMESTAMP '2024-12-31') AS VARCHAR), CAST(max(ts) - (max(ts) - TIMESTAMP '2024-12-31') AS VARCHAR),"
                        + " CAST((max(ts) - min(ts)) * 2 AS VARCHAR), CAST((max(ts) - min(ts)) / 4 AS VARCHAR), CAST(-(max(ts) - min(ts)) AS VARCHAR),"
                        + " CAST(max(ts) - min(ts) + INTERVAL '1 hour' AS VARCHAR), CAST(DATE '2025-01-01' - INTERVAL '1 hour' AS VARCHAR) FROM s"));
        // aggregates of intervals: SUM and AVG (rounded to the microsecond), MIN, MAX, with FILTER
        assertEquals(row("1038 days 11:25:03.211001", "259 days 14:51:15.80275", "00:00:00", "672 days 11:25:03.211", "366 days 00:00:00.000001", 4L),
                one("SELECT CAST(sum(TIMESTAMP '2025-01-01' - ts) AS VARCHAR), CAST(avg(TIMESTAMP '2025-01-01' - ts) AS VARCHAR),"
                        + " CAST(min(TIMESTAMP '2025-01-01' - ts) AS VARCHAR), CAST(max(TIMESTAMP '2025-01-01' - ts) AS VARCHAR),"
                        + " CAST(sum(TIMESTAMP '2025-01-01' - ts) FILTER (WHERE ts >= '2024-01-01') AS VARCHAR),"
                        + " count(TIMESTAMP '2025-01-01' - ts) FROM s"));
        assertEquals(row(null, null, null), one("SELECT max(ts) - min(ts) + NULL, NULL - (max(ts) - min(ts)), (max(ts) - min(ts)) * NULL FROM s"));
        assertEquals(row("1 day 02:00:00", 93600000000L), one("SELECT CAST(INTERVAL '1 day 2 hours' AS VARCHAR), INTERVAL '26 hours'"));
        assertEquals(ErrorCode.UNSUPPORTED, fails("SELECT INTERVAL '1 month'"));
        assertEquals(ErrorCode.TYPE_MISMATCH, fails("SELECT CAST(INTERVAL '1 day' AS BIGINT)"));
        // DATE - DATE stays a number of days, as in PostgreSQL
        assertEquals(row(366L), one("SELECT DATE '2025-01-01' - DATE '2024-01-01'"));
        assertEquals(ErrorCode.TYPE_MISMATCH, fails("SELECT ts + ts FROM s"));
        assertEquals(ErrorCode.TYPE_MISMATCH, fails("SELECT (ts - ts) * (ts - ts) FROM s"));
        assertEquals(ErrorCode.TYPE_MISMATCH, fails("SELECT 2 / (ts - ts) FROM s"));
        assertEquals(ErrorCode.TYPE_MISMATCH, fails("SELECT CAST(ts - ts AS BIGINT) FROM s"));
        assertEquals(ErrorCode.TYPE_MISMATCH, fails("SELECT count(*) FROM s WHERE ts - ts > 5"));
        assertEquals(ErrorCode.INVALID_VALUE, fails("SELECT extract(year FROM ts - ts) FROM s"));
        assertEquals(ErrorCode.INVALID_VALUE, fails("SELECT count(*) FROM s WHERE ts - ts > 'soon'"));
        assertEquals(ErrorCode.TYPE_MISMATCH, fails("INSERT INTO s (v) SELECT ts - ts FROM s"));
        assertEquals(ErrorCode.SYNTAX_ERROR, fails("CREATE TABLE ages (ts TIMESTAMP, age INTERVAL)"));
    }

    @Test
    void rollupCubeAndGroupingSets() {
        assertEquals(List.of(row(null, 1L, null, 0L), row(false, 1L, 2L, 0L), row(true, 2L, 32768L, 0L), row(null, 4L, 32770L, 1L)),
                q("SELECT b, count(*), sum(sm), grouping(b) FROM s GROUP BY ROLLUP(b) ORDER BY grouping(b), b NULLS FIRST"));
        // GROUPING's mask: the first argument is the highest bit, a bit is set where the key is left out
        assertEquals(List.of(
                row(false, true, 1L, 0L), row(true, false, 1L, 0L), row(true, true, 1L, 0L), row(null, null, 1L, 0L),
                row(false, null, 1L, 1L), row(true, null, 2L, 1L), row(null, null, 1L, 1L),
                row(null, false, 1L, 2L), row(null, true, 2L, 2L), row(null, null, 1L, 2L),
                row(null, null, 4L, 3L)),
                q("SELECT b, sm > 1 AS big, count(*) AS c, grouping(b, sm > 1) AS g FROM s GROUP BY CUBE(b, sm > 1)"
                        + " ORDER BY g, b NULLS LAST, big NULLS LAST"));
        assertEquals(List.of(row(null, null, 4L), row(null, true, 2L)),
                q("SELECT k, b, count(*) FROM s GROUP BY GROUPING SETS ((k), (b), ()) HAVING count(*) > 1 ORDER BY 3 DESC, 2"));
        // an aggregate still reads the key its set leaves out
        assertEquals(List.of(row(null, 0L), row(null, 3L), row(false, 1L), row(true, 2L)),
                q("SELECT b, count(b) FROM s GROUP BY ROLLUP(b) ORDER BY 1 NULLS FIRST, 2"));
        assertEquals(List.of(row(null, 4L), row("a_b%c", 1L)), q("SELECT k, count(*) FROM s GROUP BY ROLLUP(1) ORDER BY 2 DESC, 1 LIMIT 2"));
        // two ROLLUPs cross; a key named by its alias
        assertEquals(List.of(row(false, "Été", 1L), row(false, null, 1L), row(null, "Été", 1L), row(null, null, 1L)),
                q("SELECT b, k AS name, count(*) FROM s WHERE v = 2 GROUP BY ROLLUP(b), ROLLUP(name) ORDER BY 1 NULLS LAST, 2 NULLS LAST"));
        assertEquals(ErrorCode.UNSUPPORTED, fails("SELECT b, row_number() OVER () FROM s GROUP BY ROLLUP(b)"));
        assertEquals(ErrorCode.GROUPING_ERROR, fails("SELECT grouping(k) FROM s GROUP BY ROLLUP(b)"));
    }

    @Test
    void stringFunctions() {
        assertEquals(List.of(
                row(5L, 5L, 5L, "a_b%c", "A_B%C", "_b%c", "_b", "_b%", "a_b%c-9223372036854775807", "a_b%c-32767", "a_b%c", false, "c%b_a", "a_", "%c"),
                row(5L, 5L, 5L, "apple", "APPLE", "pple", "pp", "ppl", "apple-1", "apple-1", "aPPPPle", true, "elppa", "ap", "le"),
                row(3L, 3L, 5L, "été", "ÉTÉ", "té", "té", "té", "Été-2", "Été-2", "Été", false, "étÉ", "Ét", "té"),
                row(null, null, null, null, null, null, null, null, "-", null, null, null, null, null, null)),
                q("SELECT length(k), strlen(k), octet_length(k), lower(k), upper(k), substring(k, 2), substring(k, 2, 2),"
                        + " substring(k FROM 2 FOR 3), concat(k, '-', v), k || '-' || sm, replace(k, 'p', 'PP'), starts_with(k, 'ap'),"
                        + " reverse(k), left(k, 2), right(k, 2) FROM s ORDER BY ts"));
        assertEquals(row("x", "x ", " x", "a", "axx", "xxa", "a", "b", "", "", "b", "SS", "àéî", 3L, 9L, "本", 3L, true, true),
                one("SELECT trim('  x  '), ltrim('  x '), rtrim(' x  '), trim(BOTH 'x' FROM 'xxaxx'), trim(LEADING 'x' FROM 'xxaxx'),"
                        + " trim(TRAILING 'x' FROM 'xxaxx'), btrim('yxay', 'xy'), split_part('a,b,,c', ',', 2), split_part('a,b,,c', ',', 3),"
                        + " split_part('a,b,,c', ',', 9), split_part('a::b', '::', 2), upper('ß'), lower('ÀÉÎ'), length('日本語'),"
                        + " octet_length('日本語'), substring('日本語', 2, 1), strpos('héllo', 'l'), 'é' > 'z', 'Z' < 'a'"));
        assertEquals(row("a", null, 0L, "a", "", ""),
                one("SELECT concat(NULL, 'a', NULL), 'a' || NULL, length(''), substring('abc', 0, 2), substring('abc', 5), replace('aaa', 'a', '')"));
        assertEquals(ErrorCode.INVALID_VALUE, fails("SELECT split_part('a,b', ',', 0)"));
        // lpad/rpad as PostgreSQL: fill repeats and is cut, a longer string is cut, an empty fill pads nothing
        assertEquals(List.of(
                row("xa_b%c", "a_b%", "", "a_b%ca_b%c", "a_b%c", "00042"),
                row("xapple", "appl", "", "appleapple", "apple", "00042"),
                row("xyxÉté", "Été ", "", "ÉtéÉté", "Été", "00042"),
                row(null, null, null, null, null, "00042")),
                q("SELECT lpad(k, 6, 'xy'), rpad(k, 4), lpad(k, 0), repeat(k, 2), rpad(k, 7, ''), lpad(CAST(42 AS VARCHAR), 5, '0') FROM s ORDER BY ts"));
        assertEquals(row("", "日本語日本", "ab", null), one("SELECT repeat('ab', -1), rpad('日本語', 5, '日本語'), lpad('abc', 2), lpad('a', 3, NULL)"));
        assertEquals(ErrorCode.INVALID_VALUE, fails("SELECT repeat('xy', 100000000)"));
        assertEquals(ErrorCode.INVALID_VALUE, fails("SELECT lpad('x', 20000000)"));
    }

    @Test
    void mathFunctions() {
        assertEquals(List.of(
                row(32767L, 2147483647L, 0.0, 0.0, 0.0, 0.0, 2147483647L, 19782L, true),
                row(1L, 10L, 1.5, 2.0, 1.0, 2.0, 10L, 19723L, true),
                row(2L, null, null, null, null, null, 0L, 19875L, true),
                row(null, 5L, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0L, 19875L, true)),
                q("SELECT abs(sm), abs(i), abs(d), round(d), floor(d), ceil(d), greatest(i, 0), least(dt, DATE '2024-06-01'),"
                        + " hash(k) = hash(k) OR k IS NULL FROM s ORDER BY ts"));
        // round(double) rounds half to even (PostgreSQL float8); round(x, n) half away from zero.
        assertEquals(row(2.0, 4.0, -2.0, 3.14, -1.01, 1200.0, -2.0, -1.0, 2.0, 1.0, 1024.0, 0.5, 4.0, 5L, "a", 3L, 2L, 2.0, 1.0, -1L),
                one("SELECT round(2.5), round(3.5), round(-2.5), round(3.14159, 2), round(-1.005, 2), round(1234.5, -2), floor(-1.5), ceil(-1.5),"
                        + " ln(exp(2)), exp(0), power(2, 10), power(2.0, -1), sqrt(16), greatest(1, 5, 3), least('b', 'a', 'c'),"
                        + " greatest(1, NULL, 3), least(NULL, 2), greatest(1.5, 2), abs(-1.0), sign(-3)"));
        assertEquals(row(1L, 1L, -1L, -3L, -3L, 3.5), one("SELECT mod(7, -3), 7 % -3, -7 % 3, 7 / -2, -7 / 2, 7.0 / 2"),
                "integer division and modulo truncate toward zero");
        assertTrue(((Long) one("SELECT hash('apple') <> hash('Apple'), hash(1)").get(1)) != 0L);
        assertEquals(ErrorCode.NUMERIC_OVERFLOW, fails("SELECT abs(CAST(-2147483648 AS INT))"));
        assertEquals(ErrorCode.INVALID_VALUE, fails("SELECT ln(0)"));
        assertEquals(ErrorCode.INVALID_VALUE, fails("SELECT ln(-1)"));
        assertEquals(ErrorCode.INVALID_VALUE, fails("SELECT sqrt(-1)"));
        assertEquals(ErrorCode.NUMERIC_OVERFLOW, fails("SELECT power(10, 400)"));
        assertEquals(ErrorCode.NUMERIC_OVERFLOW, fails("SELECT exp(1000)"));
        assertEquals(ErrorCode.NUMERIC_OVERFLOW, fails("SELECT 1e308 * 10"));
    }

    @Test
    void integerOverflowDivisionByZeroAndNaN() {
        for (String sql : List.of("SELECT i + 1 FROM s WHERE i > 100", "SELECT i * 2 FROM s WHERE i > 1000", "SELECT i - (-2147483647 - 1) FROM s WHERE i = 10",
                "SELECT v + 1 FROM s WHERE v > 100", "SELECT v * -1 - 2 FROM s WHERE v > 100", "SELECT sm + sm FROM s WHERE sm > 100",
                "SELECT 2147483647 + 1", "SELECT -9223372036854775807 - 2")) {
            assertEquals(ErrorCode.NUMERIC_OVERFLOW, fails(sql), sql);
        }
        assertEquals(row(-2147483647L, 65534L, 2147483652L), one("SELECT -i, sm * 2, i + 5::bigint FROM s WHERE i > 100"),
                "SMALLINT * INT is INT; a BIGINT operand widens");
        for (String sql : List.of("SELECT 1 / 0", "SELECT 1.5 / 0", "SELECT 1 % 0", "SELECT 1.5 % 0", "SELECT d / 0 FROM s WHERE d = 1.5",
                "SELECT sm / (sm - 1) FROM s")) {
            assertEquals(ErrorCode.DIVISION_BY_ZERO, fails(sql), sql);
        }
        assertEquals(row(true, true, true, true, true, true),
                one("SELECT 'NaN'::double = 'NaN'::double, 'NaN'::double > 1e308, -0.0 = 0.0, CAST('Infinity' AS DOUBLE) > 1e308,"
                        + " CAST('-Infinity' AS DOUBLE) < 0, 'NaN'::double <> 1"));
        assertEquals(List.of(row((Object) null), row(0.0), row(1.5), row(Double.NaN)), q("SELECT d FROM s ORDER BY d NULLS FIRST"));
        assertEquals(List.of(row((Object) null), row(Double.NaN), row(1.5), row(0.0)), q("SELECT d FROM s ORDER BY d DESC"));
        assertEquals(row(1L, 2L, 1L), one("SELECT count(*) FILTER (WHERE d = 'NaN'), count(*) FILTER (WHERE d > 1), count(*) FILTER (WHERE d = 0) FROM s"));
        assertEquals(List.of(row(null, 1L), row(0.0, 1L), row(1.5, 1L), row(Double.NaN, 1L)), q("SELECT d, count(*) FROM s GROUP BY d ORDER BY d NULLS FIRST"));
        assertEquals(row(3L, Double.NaN, Double.NaN, 0.0, Double.NaN), one("SELECT count(*), sum(d), avg(d), min(d), max(d) FROM s WHERE d IS NOT NULL"));
    }

    @Test
    void threeValuedLogicAndPredicates() {
        assertEquals(List.of(
                row(null, null, false, false, true, false, false, true, false, null, true, true, true, false, true),
                row(true, false, false, true, false, true, false, true, false, null, true, true, true, false, false),
                row(null, null, null, null, null, null, true, false, true, false, null, false, false, false, true),
                row(null, null, false, false, true, false, false, true, null, null, null, false, true, true, true)),
                q("SELECT i IN (10, NULL), i NOT IN (10, NULL), i IN (1, 2), i BETWEEN 0 AND 10, i NOT BETWEEN 0 AND 10,"
                        + " i BETWEEN SYMMETRIC 10 AND 0, i IS NULL, i IS NOT NULL, NOT b, b AND NULL, b OR NULL, b IS TRUE, b IS NOT FALSE,"
                        + " b IS NOT DISTINCT FROM NULL, i IS DISTINCT FROM 10 FROM s ORDER BY ts"));
        assertEquals(row(0L, 0L, 1L, 0L, 1L, 1L, 2L),
                one("SELECT count(*) FILTER (WHERE b AND NULL), count(*) FILTER (WHERE NULL), count(*) FILTER (WHERE NOT (i > 0)),"
                        + " count(*) FILTER (WHERE i NOT IN (10, NULL)), count(*) FILTER (WHERE i IN (10, NULL)),"
                        + " count(*) FILTER (WHERE i NOT BETWEEN SYMMETRIC 20 AND -10), count(*) FILTER (WHERE NOT b OR b IS NULL) FROM s"));
        assertEquals(List.of(row(0L)), q("SELECT count(*) FROM s WHERE NULL AND b"));
        assertEquals(row(null, true, null, false, 2L), one("SELECT NULL AND true, NULL OR true, NOT NULL, NULL AND false, CASE WHEN NULL THEN 1 ELSE 2 END"));
    }

    @Test
    void groupingOrderingAndLimits() {
        assertEquals(List.of(row(null, 1L), row("a_b%c", 1L), row("apple", 1L), row("Été", 1L)),
                q("SELECT k AS name, count(*) AS n FROM s GROUP BY name ORDER BY n DESC, name NULLS FIRST"));
        assertEquals(List.of(row("ÉTÉ", 1L), row("A_B%C", 1L), row("APPLE", 1L), row(null, 1L)),
                q("SELECT upper(k) AS u, count(*) FROM s GROUP BY upper(k) HAVING count(*) >= 1 ORDER BY 1 DESC NULLS LAST"));
        assertEquals(List.of(row(null, null, null), row(true, 2024L, 32768L), row(false, 2024L, 2L)),
                q("SELECT b, extract(year FROM dt), sum(sm) FROM s GROUP BY 1, 2 ORDER BY 2 NULLS FIRST, 1 DESC NULLS LAST"));
        assertEquals(List.of(row("Été", 2L), row("apple", 1L)), q("SELECT k, sm FROM s ORDER BY sm DESC NULLS LAST, k ASC NULLS FIRST LIMIT 2 OFFSET 1"));
        assertEquals(List.of(), q("SELECT k FROM s ORDER BY k LIMIT 0"));
        assertEquals(List.of(), q("SELECT k FROM s ORDER BY k LIMIT 2 OFFSET 10"));
        assertEquals(List.of(row(null, true), row(true, false), row(false, false)), q("SELECT DISTINCT b, b IS NULL FROM s ORDER BY 1 DESC NULLS FIRST"));
        assertEquals(ErrorCode.GROUPING_ERROR, fails("SELECT count(*) FROM s GROUP BY k HAVING sm > 0"));
    }

    @Test
    void setOperationsSubqueriesAndJoins() {
        assertEquals(List.of(row((Object) null), row("a_b%c"), row("apple"), row("apple"), row("z"), row("Été")),
                q("SELECT k FROM s UNION ALL SELECT 'z' UNION ALL SELECT k FROM s WHERE sm = 1 ORDER BY 1 NULLS FIRST"));
        assertEquals(List.of(row(false), row(true), row((Object) null)), q("SELECT b FROM s UNION SELECT b FROM s ORDER BY 1 NULLS LAST"));
        // String literals and NULL in a branch take the other branches' type (PostgreSQL's unknown-typed literals).
        assertEquals(List.of(row(1L), row(2L), row((Object) null)), q("SELECT 1 UNION ALL SELECT '2' UNION ALL SELECT NULL ORDER BY 1 NULLS LAST"));
        assertEquals(List.of(row(19723L), row(19724L)), q("SELECT dt FROM s WHERE sm = 1 UNION ALL SELECT '2024-01-02' ORDER BY 1"));
        assertEquals(List.of(row("a"), row("b")), q("SELECT 'a' UNION ALL SELECT 'b' ORDER BY 1"));
        assertEquals(ErrorCode.INVALID_VALUE, fails("SELECT sm FROM s UNION ALL SELECT 'x'"));
        assertEquals(ErrorCode.TYPE_MISMATCH, fails("SELECT sm FROM s UNION ALL SELECT k FROM s"), "a VARCHAR column is typed");
        assertEquals(row(2L, "a_b%c"), one("WITH a AS (SELECT k, sm FROM s WHERE sm IS NOT NULL), c AS (SELECT k FROM a WHERE sm > 1)"
                + " SELECT count(*), min(k) FROM c"));
        // WITH's ORDER BY may name a qualified column and one the SELECT list leaves out, as without WITH.
        assertEquals(List.of(row("a_b%c"), row("Été"), row("apple")),
                q("WITH a AS (SELECT k, sm FROM s) SELECT x.k FROM a x WHERE x.sm IS NOT NULL ORDER BY x.sm DESC"));
        assertEquals(List.of(row("apple", 1L), row("Été", 2L)),
                q("WITH a AS (SELECT k, sm FROM s) SELECT x.k, x.sm FROM a x WHERE x.sm < 10 ORDER BY x.sm LIMIT 5"));
        assertEquals(row(4L), one("SELECT count(*) FROM s WHERE EXISTS (SELECT 1 FROM s WHERE sm > 5)"));
        assertEquals(row(0L), one("SELECT count(*) FROM s WHERE NOT EXISTS (SELECT 1 FROM s WHERE sm > 5)"));
        assertEquals(List.of(row("Été")), q("SELECT k FROM s WHERE sm = (SELECT max(sm) FROM s WHERE sm < 100)"));
        assertEquals(List.of(), q("SELECT k FROM s WHERE sm > (SELECT sm FROM s WHERE sm > 30000 AND sm < 0)"), "an empty scalar subquery is NULL");
        assertEquals(ErrorCode.CARDINALITY_VIOLATION, fails("SELECT k FROM s WHERE sm = (SELECT sm FROM s)"));
        // NOT IN over a subquery holding NULL is never true; IN over one is true only for matches.
        assertEquals(List.of(row(2L)), q("SELECT count(*) FROM s WHERE k IN (SELECT k FROM s WHERE sm < 10)"));
        assertEquals(List.of(row(1L)), q("SELECT count(*) FROM s WHERE k NOT IN (SELECT k FROM s WHERE sm < 10)"));
        assertEquals(List.of(row(0L)), q("SELECT count(*) FROM s WHERE k NOT IN (SELECT k FROM s)"));
        // NULL keys never match, in inner, left, right and USING joins alike.
        assertEquals(List.of(row("a_b%c", "a_b%c"), row("apple", "apple"), row("Été", "Été")), q("SELECT a.k, c.k FROM s a JOIN s c ON a.k = c.k ORDER BY 1"));
        assertEquals(List.of(row("a_b%c", 1L), row("apple", 1L), row("Été", 2L), row(null, null)),
                q("SELECT a.k, c.sm FROM s a LEFT JOIN s c ON a.b = c.b AND c.sm < 10 ORDER BY 1 NULLS LAST, 2 NULLS LAST"));
        assertEquals(List.of(row((Object) null), row("a_b%c"), row("apple"), row("Été")), q("SELECT a.k FROM s a RIGHT JOIN s c ON a.k = c.k ORDER BY 1 NULLS FIRST"));
        assertEquals(row(16L, 3L), one("SELECT (SELECT count(*) FROM s a CROSS JOIN s c), (SELECT count(*) FROM s a JOIN s c USING (k))"));
        assertEquals(List.of(row(1L, "apple", 1L, 2L), row(2L, "Été", 2L, 2L)),
                q("SELECT s.sm, s.*, 2 FROM s WHERE sm < 10 ORDER BY 1").stream().map(r -> row(r.get(0), r.get(2), r.get(8), r.get(9))).toList(),
                "s.* expands to all eight columns between the others");
        assertEquals(ErrorCode.AMBIGUOUS_COLUMN, fails("SELECT s.sm, s.* FROM s ORDER BY sm"), "two output columns are named sm");
        assertEquals(List.of(row(1L, 1L)), q("SELECT DISTINCT sm, sm * 1 AS same FROM s WHERE sm = 1"));
        assertEquals(List.of(row("Été", 4L), row("a_b%c", 65534L)), q("SELECT x.k, x.twice FROM (SELECT k, sm * 2 AS twice FROM s) AS x WHERE x.twice > 2 ORDER BY 2"));
    }

    @Test
    void windowFunctionsOverEdgeRows() {
        assertEquals(List.of(
                row("a_b%c", 32767L, 32767.0, 32767L, 4L, 0L, "apple", 3L),
                row("apple", 1L, 16384.0, 32768L, 4L, 32767L, "Été", 3L),
                row("Été", 2L, 10923.333333333334, 3L, 4L, 1L, null, 2L),
                row(null, null, 10923.333333333334, 2L, 4L, 2L, null, 1L)),
                q("SELECT k, sm, avg(sm) OVER (ORDER BY ts), sum(sm) OVER (ORDER BY ts ROWS BETWEEN 1 PRECEDING AND CURRENT ROW), count(*) OVER (),"
                        + " lag(sm, 1, 0) OVER (ORDER BY ts), lead(k) OVER (ORDER BY ts), dense_rank() OVER (ORDER BY b NULLS FIRST) FROM s ORDER BY ts"));
        // ntile gives the first size % n buckets the extra rows; percent_rank and cume_dist count peers;
        // first/last/nth_value read the frame (the default one ends at the current row's last peer)
        assertEquals(List.of(
                row(2147483647L, 1L, 1 / 3.0, 0.75, 2147483647L, 2147483647L, -5L, null, 1L),
                row(10L, 1L, 1 / 3.0, 0.75, 2147483647L, 10L, -5L, 10L, 2L),
                row(null, 2L, 0.0, 0.25, 2147483647L, null, -5L, 10L, 1L),
                row(-5L, 3L, 1.0, 1.0, 2147483647L, -5L, -5L, 10L, 1L)),
                q("SELECT i, ntile(3) OVER (ORDER BY ts), percent_rank() OVER (ORDER BY b NULLS LAST), cume_dist() OVER (ORDER BY b NULLS LAST),"
                        + " first_value(i) OVER (ORDER BY ts), last_value(i) OVER (ORDER BY ts),"
                        + " last_value(i) OVER (ORDER BY ts ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING),"
                        + " nth_value(i, 2) OVER (ORDER BY ts), ntile(2) OVER (PARTITION BY b ORDER BY ts) FROM s ORDER BY ts"));
        assertEquals(List.of(row("a_b%c", 0.0), row("apple", 0.0)),
                q("SELECT k, percent_rank() OVER (PARTITION BY k) FROM s WHERE v < 5 OR v > 100 ORDER BY k LIMIT 2"));
        assertEquals(ErrorCode.INVALID_VALUE, fails("SELECT ntile(0) OVER (ORDER BY ts) FROM s"));
        assertEquals(ErrorCode.UNSUPPORTED, fails("SELECT ntile(i) OVER (ORDER BY ts) FROM s"));
        assertEquals(ErrorCode.INVALID_VALUE, fails("SELECT nth_value(k, 0) OVER (ORDER BY ts) FROM s"));
        assertEquals(ErrorCode.SYNTAX_ERROR, fails("SELECT first_value() OVER (ORDER BY ts) FROM s"));
    }

    @Test
    void valuesAndInsertResolveStringLiteralsToTheColumnType() {
        assertEquals(List.of(row(1.0, "a"), row(2.5, "b"), row(null, null)), q("SELECT * FROM (VALUES (1, 'a'), (2.5, 'b'), (NULL, NULL)) AS v(x, y) ORDER BY 1 NULLS LAST"));
        assertEquals(List.of(row(1.5), row(Double.NaN)), q("SELECT * FROM (VALUES (1.5), ('NaN')) v(x) ORDER BY 1"));
        assertEquals(ErrorCode.INVALID_VALUE, fails("SELECT * FROM (VALUES (1), ('x')) v(x)"));
        assertEquals(List.of(row(3L)), q("INSERT INTO s (ts, d, dt) VALUES ('2024-01-01 00:00:00', 1.5, '2024-01-01'), ('2024-01-02 00:00:00', 'NaN', DATE '2024-01-02'),"
                + " (TIMESTAMP '2024-01-03 00:00:00', '-Infinity', '2024-01-03')"));
        assertEquals(row(3L, 1L, Double.NEGATIVE_INFINITY, 19725L),
                one("SELECT count(*), count(*) FILTER (WHERE d = 'NaN'), min(d), max(dt) FROM s WHERE ts >= '2024-01-01' AND ts < '2024-01-04' AND k IS NULL"));
    }

    @Test
    void errorsNameWhatIsWrongAndWhere() {
        QueryException e = assertThrows(QueryException.class, () -> q("SELECT foo(k) FROM s"));
        assertEquals(ErrorCode.UNKNOWN_FUNCTION, e.code());
        assertEquals(1, e.line());
        assertEquals(8, e.column());
        e = assertThrows(QueryException.class, () -> q("SELECT s.kk FROM s"));
        assertEquals(ErrorCode.UNKNOWN_COLUMN, e.code());
        assertTrue(e.getMessage().contains("s.kk") && e.getMessage().contains("did you mean \"k\""), e.getMessage());
        e = assertThrows(QueryException.class, () -> q("SELECT x.k FROM s"));
        assertEquals(ErrorCode.UNKNOWN_TABLE, e.code());
        e = assertThrows(QueryException.class, () -> q("SELECT k FROM s WHERE\n  sm >> 2"));
        assertEquals(ErrorCode.SYNTAX_ERROR, e.code());
        assertEquals(2, e.line());
        assertEquals(6, e.column());
        assertEquals(ErrorCode.TYPE_MISMATCH, fails("SELECT sum(k) FROM s"));
        assertEquals(ErrorCode.TYPE_MISMATCH, fails("SELECT k + 1 FROM s"));
        e = assertThrows(QueryException.class, () -> q("SELECT k FROM s WHERE sm = 1 AND k"));
        assertEquals(ErrorCode.TYPE_MISMATCH, e.code());
    }

    @Test
    void correlatedExistsBecomesASemiOrAntiJoin() {
        exec("CREATE TABLE kk (k VARCHAR, w BIGINT)");
        exec("INSERT INTO kk VALUES ('apple', 1), ('apple', 2), ('Été', NULL), (NULL, 5)");
        // Each outer row once however many rows match; a NULL key never matches.
        assertEquals(List.of(row("apple"), row("Été")), q("SELECT k FROM s WHERE EXISTS (SELECT 1 FROM kk WHERE kk.k = s.k) ORDER BY k"));
        assertEquals(List.of(row((Object) null), row("a_b%c")),
                q("SELECT k FROM s WHERE NOT EXISTS (SELECT 1 FROM kk WHERE kk.k = s.k) ORDER BY k NULLS FIRST"));
        assertEquals(List.of(row("apple")), q("SELECT k FROM s WHERE EXISTS (SELECT * FROM kk WHERE kk.k = s.k AND w > 1)"));
        assertEquals(List.of(row("apple")), q("SELECT k FROM s WHERE EXISTS (SELECT 1 FROM kk WHERE s.k = kk.k AND kk.w = s.v)"));
        // An unqualified name is the subquery's own column first, as in PostgreSQL.
        assertEquals(List.of(row("apple"), row("Été")), q("SELECT x.k FROM s x WHERE EXISTS (SELECT 1 FROM kk WHERE k = x.k) ORDER BY 1"));
        assertEquals(List.of(), q("SELECT k FROM s WHERE sm < 10 AND NOT EXISTS (SELECT 1 FROM kk WHERE kk.k = s.k)"));
        assertEquals(List.of(row(2L)), q("SELECT count(*) FROM kk WHERE EXISTS (SELECT 1 FROM s WHERE s.k = kk.k AND s.b)"));
        assertEquals(ErrorCode.UNSUPPORTED, fails("SELECT k FROM s WHERE EXISTS (SELECT 1 FROM kk WHERE kk.w > s.v)"));
        assertEquals(ErrorCode.UNSUPPORTED, fails("SELECT k FROM s WHERE EXISTS (SELECT count(*) FROM kk WHERE kk.k = s.k)"));
        QueryException typo = assertThrows(QueryException.class, () -> q("SELECT k FROM s WHERE EXISTS (SELECT 1 FROM kk WHERE kk.kx = s.k)"));
        assertEquals(ErrorCode.UNKNOWN_COLUMN, typo.code(), typo.getMessage());
        exec("DROP TABLE kk");
    }

    @Test
    void ddlAndInsertForms() {
        exec("CREATE TABLE p (ts TIMESTAMP, a VARCHAR, n BIGINT) WITH (timestamp = 'ts', partition_by = 'HOUR', sort_key = 'a,ts')");
        assertEquals(List.of(row("ts", "TIMESTAMP", "designated timestamp"), row("a", "VARCHAR", "sort key"), row("n", "BIGINT", "")), q("DESCRIBE p"));
        exec("CREATE TABLE IF NOT EXISTS p (ts TIMESTAMP)");
        assertEquals(ErrorCode.DUPLICATE_TABLE, fails("CREATE TABLE p (ts TIMESTAMP)"));
        QueryException e = assertThrows(QueryException.class, () -> q("CREATE TABLE p2 (ts TIMESTAMP, n BIGINT) WITH (timestmp = 'ts')"));
        assertEquals(ErrorCode.SYNTAX_ERROR, e.code());
        assertTrue(e.getMessage().contains("did you mean \"timestamp\""), e.getMessage());
        assertEquals(ErrorCode.SYNTAX_ERROR, fails("CREATE TABLE p3 (t1 TIMESTAMP, t2 TIMESTAMP)"), "two timestamps and none named");
        exec("CREATE TABLE dim (id BIGINT, name VARCHAR)"); // no TIMESTAMP column: a table without one
        assertEquals(List.of(row("id", "BIGINT", ""), row("name", "VARCHAR", "")), q("DESCRIBE dim"));
        exec("INSERT INTO dim VALUES (2, 'two'), (1, NULL)");
        assertEquals(List.of(row(1L, null), row(2L, "two")), q("SELECT * FROM dim ORDER BY id"));
        exec("DROP TABLE dim");
        assertEquals(ErrorCode.INVALID_VALUE, fails("CREATE TABLE p4 (ts TIMESTAMP, n BIGINT) WITH (partition_by = 'WEEK')"));
        assertEquals(ErrorCode.UNKNOWN_COLUMN, fails("CREATE TABLE p5 (ts TIMESTAMP, n BIGINT) WITH (sort_key = 'zz')"));
        e = assertThrows(QueryException.class, () -> q("CREATE TABLE p6 (ts TIMESTAMP,\n n BIGINTT)"));
        assertEquals(ErrorCode.SYNTAX_ERROR, e.code());
        assertEquals(2, e.line());
        exec("ALTER TABLE p ADD COLUMN extra DOUBLE");
        assertEquals(ErrorCode.DUPLICATE_COLUMN, fails("ALTER TABLE p ADD extra DOUBLE"));
        assertEquals(ErrorCode.UNKNOWN_TABLE, fails("ALTER TABLE nope ADD COLUMN x INT"));
        assertEquals(List.of(row(1L)), q("INSERT INTO p (n, ts) VALUES (7, '2024-01-01 00:00:00')"), "columns in any order; the rest are NULL");
        assertEquals(List.of(row(2L)), q("INSERT INTO p SELECT ts + interval '1 hour', k, sm, d FROM s WHERE sm < 100"));
        assertEquals(List.of(row("2024-01-01 00:00:00", null, 7L, null), row("2024-01-01 01:00:00", "apple", 1L, 1.5),
                row("2025-01-01 00:59:59.999999", "Été", 2L, null)), q("SELECT CAST(ts AS VARCHAR), a, n, extra FROM p ORDER BY ts"));
        e = assertThrows(QueryException.class, () -> q("INSERT INTO p (ts, nn) VALUES ('2024-01-01 00:00:00', 1)"));
        assertEquals(ErrorCode.UNKNOWN_COLUMN, e.code());
        assertTrue(e.getMessage().contains("did you mean \"n\""), e.getMessage());
        assertEquals(ErrorCode.SYNTAX_ERROR, fails("INSERT INTO p VALUES ('2024-01-01 00:00:00', 'x')"), "too few values");
        assertEquals(ErrorCode.INVALID_VALUE, fails("INSERT INTO p VALUES ('2024-01-01 00:00:00', 'x', 'notanumber', 1.0)"));
        assertEquals(ErrorCode.INVALID_VALUE, fails("INSERT INTO p (ts, n) SELECT ts, k FROM s"), "text is assignment-cast; 'apple' is no BIGINT");
        assertEquals(ErrorCode.TYPE_MISMATCH, fails("INSERT INTO p (ts, n) SELECT ts, dt FROM s"), "a DATE has no cast to BIGINT");
        assertEquals(ErrorCode.UNKNOWN_TABLE, fails("INSERT INTO nope VALUES (1)"));
        assertEquals(List.of(row(3L)), q("SELECT count(*) FROM p"), "failed INSERTs wrote nothing");
        exec("DROP TABLE p");
        assertEquals(ErrorCode.UNKNOWN_TABLE, fails("DROP TABLE p"));
        exec("DROP TABLE IF EXISTS p");
        assertEquals(List.of(row("s")), q("SHOW TABLES"));
    }
}
