package io.quiver.query;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** The cursor tests' table {@code t (ts, k, d, s)}: seeded rows with NULL doubles and strings, inserted in chunks. */
final class CursorTestTable {
    private CursorTestTable() {
    }

    /** Creates and fills {@code t}; returns the rows as (k, d, s), generated in Java: what every read must return. */
    static List<List<Object>> create(QueryEngine engine, int rows, long seed) {
        List<List<Object>> inserted = new ArrayList<>();
        engine.execute("CREATE TABLE t (ts TIMESTAMP, k BIGINT, d DOUBLE, s VARCHAR)").close();
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder sql = new StringBuilder();
        for (int i = 0; i < rows; i++) {
            sql.append(sql.isEmpty() ? "INSERT INTO t VALUES " : ", ");
            Double dv = random.nextInt(5) == 0 ? null : random.nextInt(1000) / 4.0;
            String sv = random.nextInt(7) == 0 ? null : "v" + random.nextInt(100) + "x".repeat(random.nextInt(30));
            inserted.add(Arrays.asList((long) i, dv, sv));
            sql.append("(TIMESTAMP '2026-01-01 00:00:00' + INTERVAL '").append(i).append("' SECOND, ").append(i).append(", ")
                    .append(dv == null ? "NULL" : Double.toString(dv)).append(", ").append(sv == null ? "NULL" : "'" + sv + "'").append(')');
            if ((i + 1) % 1_000 == 0 || i == rows - 1) {
                engine.execute(sql.toString()).close();
                sql.setLength(0);
            }
        }
        return inserted;
    }
}
