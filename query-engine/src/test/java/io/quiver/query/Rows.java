package io.quiver.query;

import io.quiver.storage.vector.RowBatch;

import java.util.ArrayList;
import java.util.List;

/** Test helper: runs a query and materialises its rows as lists of Java values. */
final class Rows {
    private Rows() {
    }

    static List<List<Object>> query(QueryEngine engine, String sql) {
        return query(engine, sql, QueryOptions.defaults());
    }

    static List<List<Object>> query(QueryEngine engine, String sql, QueryOptions opts) {
        List<List<Object>> out = new ArrayList<>();
        try (QueryResult r = engine.execute(sql, opts)) {
            if (!r.hasRows()) {
                out.add(List.of(r.updateCount()));
                return out;
            }
            RowBatch b;
            while ((b = r.cursor().next()) != null) {
                for (int i = 0; i < b.rowCount(); i++) {
                    List<Object> row = new ArrayList<>();
                    for (int c = 0; c < b.columnCount(); c++) {
                        row.add(b.column(c).getObject(i));
                    }
                    out.add(row);
                }
            }
        }
        return out;
    }
}
