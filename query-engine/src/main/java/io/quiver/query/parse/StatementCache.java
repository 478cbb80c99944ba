package io.quiver.query.parse;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers the parsed form of recently run queries by their exact text. Calcite's generated parser
 * is the largest fixed cost of a small query (0.5-5 ms until the JIT has compiled it, against well
 * under a millisecond for everything else of a COUNT(*) answered from statistics), and dashboards
 * repeat the same text. Only queries are kept: their trees are read, never changed, by binding, and
 * they do not depend on the catalog; statements that change data or schema are parsed every time.
 */
public final class StatementCache {
    /** Longer texts are usually generated one-offs; keeping them would only hold memory. */
    static final int MAX_SQL_CHARS = 16 * 1024;

    private final Map<String, Statement.Query> recent;

    public StatementCache(int capacity) {
        this.recent = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Statement.Query> eldest) {
                return size() > capacity;
            }
        };
    }

    public Statement parse(String sql) {
        synchronized (recent) {
            Statement.Query known = recent.get(sql);
            if (known != null) {
                return known;
            }
        }
        Statement st = SqlFrontEnd.parse(sql);
        if (st instanceof Statement.Query q && sql.length() <= MAX_SQL_CHARS) {
            synchronized (recent) {
                recent.put(sql, q);
            }
        }
        return st;
    }

    int size() {
        synchronized (recent) {
            return recent.size();
        }
    }
}
