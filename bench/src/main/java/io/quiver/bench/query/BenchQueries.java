package io.quiver.bench.query;

import java.util.List;

/**
 * The benchmark's queries: what analysts and dashboards run over an events table. The same SQL runs
 * on both engines (every ORDER BY fixes ties and NULL placement, so both must return the same rows).
 */
final class BenchQueries {
    /** One query; {@code kind} groups it in the report. */
    record BenchQuery(String id, String kind, String sql) {}

    private BenchQueries() {
    }

    /** The simple aggregate whose rows/s per core is reported against the 300 M target. */
    static final String SIMPLE_AGGREGATE = "Q03";

    static final List<BenchQuery> ALL = List.of(
            q("Q01", "full-table aggregate", "SELECT count(*) FROM hits"),
            q("Q02", "full-table aggregate", "SELECT count(*) FROM hits WHERE is_bot = false AND http_status = 200"),
            q("Q03", "full-table aggregate", "SELECT sum(duration_ms) FROM hits"),
            q("Q04", "full-table aggregate", "SELECT sum(bytes), avg(page_load_ms), max(duration_ms), min(screen_width) FROM hits"),
            q("Q05", "full-table aggregate", "SELECT min(event_date), max(event_date), min(ts), max(ts) FROM hits"),
            q("Q06", "count distinct", "SELECT count(DISTINCT user_id) FROM hits"),
            q("Q07", "count distinct", "SELECT count(DISTINCT search_phrase) FROM hits"),
            q("Q08", "group-by low cardinality", "SELECT device, count(*) AS c FROM hits GROUP BY device ORDER BY c DESC, device"),
            q("Q09", "group-by low cardinality", "SELECT country, count(*) AS c, sum(revenue) FROM hits GROUP BY country "
                    + "ORDER BY c DESC, country NULLS LAST LIMIT 10"),
            q("Q10", "group-by low cardinality", "SELECT os, browser, count(*) AS c, avg(duration_ms) FROM hits "
                    + "GROUP BY os, browser ORDER BY c DESC, os, browser LIMIT 10"),
            q("Q11", "group-by low cardinality", "SELECT country, count(DISTINCT user_id) AS u FROM hits "
                    + "GROUP BY country ORDER BY u DESC, country NULLS LAST LIMIT 10"),
            q("Q12", "group-by low cardinality", "SELECT extract(hour FROM ts) AS h, count(*) FROM hits GROUP BY 1 ORDER BY 1"),
            q("Q13", "group-by high cardinality", "SELECT search_phrase, count(*) AS c FROM hits WHERE search_phrase <> '' "
                    + "GROUP BY search_phrase ORDER BY c DESC, search_phrase LIMIT 10"),
            q("Q14", "group-by high cardinality", "SELECT search_phrase, count(DISTINCT user_id) AS u FROM hits "
                    + "WHERE search_phrase <> '' GROUP BY 1 ORDER BY u DESC, 1 LIMIT 10"),
            q("Q15", "group-by high cardinality", "SELECT user_id, count(*) AS c FROM hits GROUP BY user_id ORDER BY c DESC, user_id LIMIT 10"),
            q("Q16", "group-by high cardinality", "SELECT user_id, search_phrase, count(*) AS c FROM hits "
                    + "GROUP BY user_id, search_phrase ORDER BY c DESC, user_id, search_phrase LIMIT 10"),
            q("Q17", "group-by high cardinality", "SELECT url, count(*) AS c FROM hits GROUP BY url ORDER BY c DESC, url LIMIT 10"),
            q("Q18", "LIKE filter", "SELECT count(*) FROM hits WHERE url LIKE '%google-pixel%'"),
            q("Q19", "LIKE filter", "SELECT search_phrase, min(url), count(*) AS c FROM hits "
                    + "WHERE url LIKE '%/search%' AND search_phrase <> '' GROUP BY 1 ORDER BY c DESC, 1 LIMIT 10"),
            q("Q20", "LIKE filter", "SELECT count(*), count(DISTINCT user_id) FROM hits "
                    + "WHERE title LIKE '%Sale%' AND url NOT LIKE '%blog%'"),
            q("Q21", "top-N", "SELECT * FROM hits WHERE url LIKE '%checkout%' ORDER BY ts, user_id LIMIT 10"),
            q("Q22", "top-N", "SELECT search_phrase FROM hits WHERE search_phrase <> '' ORDER BY ts, search_phrase LIMIT 10"),
            q("Q23", "top-N", "SELECT user_id, ts, url, duration_ms FROM hits ORDER BY duration_ms DESC, ts, user_id LIMIT 10"),
            q("Q24", "dashboard (one tenant, date range)", "SELECT date_trunc('hour', ts) AS h, count(*), count(DISTINCT user_id), "
                    + "avg(page_load_ms) FROM hits WHERE tenant_id = 7 AND ts >= TIMESTAMP '2026-10-10 00:00:00' "
                    + "AND ts < TIMESTAMP '2026-10-17 00:00:00' GROUP BY 1 ORDER BY 1"),
            q("Q25", "dashboard (one tenant, date range)", "SELECT time_bucket(INTERVAL '15 minutes', ts) AS b, event_type, count(*) "
                    + "FROM hits WHERE tenant_id = 3 AND ts >= TIMESTAMP '2026-10-20 00:00:00' "
                    + "AND ts < TIMESTAMP '2026-10-21 00:00:00' GROUP BY 1, 2 ORDER BY 1, 2"),
            q("Q26", "dashboard (one tenant, date range)", "SELECT event_date, sum(revenue), count(*) FILTER (WHERE event_type = 'purchase') "
                    + "FROM hits WHERE tenant_id = 12 AND event_date BETWEEN DATE '2026-10-01' AND DATE '2026-10-14' GROUP BY 1 ORDER BY 1"),
            q("Q27", "dashboard (one tenant, date range)", "SELECT url, count(*) AS c FROM hits WHERE tenant_id = 1 "
                    + "AND ts >= TIMESTAMP '2026-10-05 00:00:00' AND ts < TIMESTAMP '2026-10-12 00:00:00' "
                    + "GROUP BY url ORDER BY c DESC, url LIMIT 10"),
            q("Q28", "dashboard (one tenant, date range)", "SELECT device, country, count(*) AS c, avg(duration_ms) FROM hits "
                    + "WHERE tenant_id = 25 AND ts >= TIMESTAMP '2026-10-01 00:00:00' AND ts < TIMESTAMP '2026-11-01 00:00:00' "
                    + "GROUP BY 1, 2 ORDER BY c DESC, 1, 2 NULLS LAST LIMIT 20"),
            q("Q29", "fact-dimension join", "SELECT t.plan, count(*), sum(h.revenue) FROM hits h JOIN tenants t ON h.tenant_id = t.tenant_id "
                    + "GROUP BY t.plan ORDER BY 1"),
            q("Q30", "fact-dimension join", "SELECT t.name, count(*) AS c FROM hits h JOIN tenants t ON h.tenant_id = t.tenant_id "
                    + "WHERE t.region = 'EU' AND h.event_type = 'purchase' GROUP BY 1 ORDER BY c DESC, 1 LIMIT 10"),
            q("Q31", "window", "SELECT tenant_id, d, c, sum(c) OVER (PARTITION BY tenant_id ORDER BY d) FROM "
                    + "(SELECT tenant_id, event_date AS d, count(*) AS c FROM hits WHERE tenant_id <= 5 GROUP BY 1, 2) q ORDER BY 1, 2"));

    private static BenchQuery q(String id, String kind, String sql) {
        return new BenchQuery(id, kind, sql);
    }
}
